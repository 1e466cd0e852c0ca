import type { GitHubClient } from "./client";
import { SourceHttpError, stopsRun, describe } from "../core";

/**
 * get for GitHub's REST alert lists (code scanning, secret scanning): the
 * organization endpoint first, sorted by last update so an incremental run
 * stops at the first alert older than its cursor (plus an ETag on the first
 * page); per repository when the organization endpoint answers 403/404.
 */
export interface AlertCursor {
  /** Highest updated_at seen by the last fetch that finished. */
  since?: string;
  etag?: string;
  /** When the last full (not incremental) fetch finished. */
  fullAt?: string;
  mode?: "org" | "repo";
  repoEtags?: Record<string, string>;
}

export interface RestAlertsFetch<T> {
  /** Alerts by lower-cased repository full name. */
  byRepo: Map<string, T[]>;
  /** Repositories (lower-cased full names) whose every alert, of every state, was read: cleanup may run there. */
  completeRepos: Set<string>;
  /** Repositories whose alerts could not be read (their findings are left untouched). */
  failed: Map<string, string>;
  errors: string[];
  /** The cursor to save, or null to keep the old one (the fetch did not finish). */
  cursor: AlertCursor | null;
  requestsNotModified: number;
}

interface AlertBase { number: number; updated_at: string; repository?: { full_name: string } }

export interface RestAlertsConfig {
  resource: string;
  /** e.g. "code-scanning" or "secret-scanning" */
  path: string;
  extraParams: Record<string, unknown>;
}

export async function fetchRestAlerts<T extends AlertBase>(
  client: GitHubClient, org: string, repos: { fullName: string; archived: boolean; empty: boolean }[],
  cfg: RestAlertsConfig, prev: AlertCursor, full: boolean,
): Promise<RestAlertsFetch<T>> {
  const out: RestAlertsFetch<T> = { byRepo: new Map(), completeRepos: new Set(), failed: new Map(), errors: [], cursor: null, requestsNotModified: 0 };
  const params = { per_page: 100, sort: "updated", direction: "desc", ...cfg.extraParams };
  const since = full ? null : prev.since ?? null;
  if (prev.mode !== "repo") {
    let maxUpdated = prev.since ?? "";
    let etag: string | undefined;
    try {
      let firstPage = true;
      outer: for await (const page of client.paginate<T>(cfg.resource, `GET /orgs/{org}/${cfg.path}/alerts`, { org, ...params }, since ? prev.etag : null)) {
        if (firstPage) etag = page.headers.etag;
        firstPage = false;
        if (page.notModified) { out.requestsNotModified++; break; }
        for (const a of page.data) {
          if (since && a.updated_at < since) break outer;
          if (a.updated_at > maxUpdated) maxUpdated = a.updated_at;
          const key = a.repository?.full_name.toLowerCase();
          if (!key) continue;
          const list = out.byRepo.get(key) ?? [];
          list.push(a);
          out.byRepo.set(key, list);
        }
      }
      if (full) for (const r of repos) if (!r.archived) out.completeRepos.add(r.fullName.toLowerCase());
      out.cursor = { ...prev, mode: "org", since: maxUpdated || prev.since, etag: etag ?? prev.etag, fullAt: full ? new Date().toISOString() : prev.fullAt };
      return out;
    } catch (err) {
      if (stopsRun(err)) throw err;
      if (!(err instanceof SourceHttpError && (err.status === 403 || err.status === 404)) || out.byRepo.size > 0) {
        out.errors.push(`${cfg.path} (organization): ${describe(err)}`);
        return out;
      }
      // Not an owner or security manager: fall back to each repository.
      out.byRepo.clear();
    }
  }
  const repoEtags: Record<string, string> = { ...(prev.repoEtags ?? {}) };
  await Promise.all(repos.filter((r) => !r.empty).map(async (r) => {
    const [owner, name] = r.fullName.split("/");
    const key = r.fullName.toLowerCase();
    const alerts: T[] = [];
    try {
      let first = true;
      for await (const page of client.paginate<T>(cfg.resource, `GET /repos/{owner}/{repo}/${cfg.path}/alerts`, { owner, repo: name, ...params }, full ? null : repoEtags[key])) {
        if (first && page.headers.etag) repoEtags[key] = page.headers.etag;
        first = false;
        if (page.notModified) { out.requestsNotModified++; return; }
        alerts.push(...page.data);
      }
      out.byRepo.set(key, alerts);
      out.completeRepos.add(key);
    } catch (err) {
      if (stopsRun(err)) throw err;
      delete repoEtags[key];
      // 404: the feature is not set up there (no analysis): nothing to read, nothing to change.
      if (err instanceof SourceHttpError && err.status === 404) return;
      out.failed.set(key, describe(err));
    }
  }));
  out.cursor = { ...prev, mode: "repo", repoEtags, fullAt: full ? new Date().toISOString() : prev.fullAt };
  return out;
}
