import type { FindingInput, RuleInput } from "./finding-types";
import { DEPENDABOT_CATEGORY, dependabotFinding, dependabotRule, fetchAdvisoryCwes, fetchDependabotAlerts } from "./alerts-dependabot";
import { CODE_SCANNING_CATEGORY, CODE_SCANNING_REST, codeScanningFinding, codeScanningRule, CodeScanningAlertRaw } from "./alerts-code-scanning";
import { SECRET_SCANNING_CATEGORY, SECRET_SCANNING_REST, secretScanningFinding, secretScanningRule, SecretScanningAlertRaw } from "./alerts-secret-scanning";
import { fetchRestAlerts, RestAlertsConfig } from "./rest-alerts";
import type { RepoRow } from "./repositories";
import type { GitHubSyncContext } from "./sync-context";

export interface ScopeLoad { repoId: string; complete: boolean; findings: FindingInput[]; rules: RuleInput[] }

/** Repositories that already hold findings of a category from this connector (a complete fetch must reach them too). */
async function reposWithFindings(ctx: GitHubSyncContext, category: string): Promise<Set<string>> {
  const rows: { repository_id: string }[] = await ctx.ds.query(
    // Per repository on uq_finding_identity's (repository_id, analysis_category) prefix: no finding index leads with the organization.
    `SELECT r.id AS repository_id FROM repository r
      WHERE r.organization_id = $1 AND EXISTS (SELECT 1 FROM finding f WHERE f.repository_id = r.id AND f.analysis_category = $2)`, [ctx.orgId, category]);
  return new Set(rows.map((r) => r.repository_id));
}

/** load: each repository's scope through the shared FindingStore, several scopes per transaction. */
export async function loadScopes(ctx: GitHubSyncContext, category: string, loads: ScopeLoad[]): Promise<void> {
  const key = category.replace("github:", "");
  for (let i = 0; i < loads.length; i += 50) {
    const batch = loads.slice(i, i + 50);
    await ctx.ds.transaction(async (em) => {
      for (const l of batch) {
        const r = await ctx.findingStore.load(em, { organizationId: ctx.orgId, repositoryId: l.repoId, analysisCategory: category, source: "github", complete: l.complete, now: ctx.now }, l.findings, l.rules);
        ctx.add(`${key}.alerts`, l.findings.length);
        for (const k of ["created", "updated", "fixed", "reopened", "dismissed"] as const) if (r[k]) ctx.add(`${key}.${k}`, r[k]);
      }
    });
  }
}

/** Dependabot (GraphQL): repositories whose alert counts moved, or all once a day; each read completely. */
export async function syncDependabot(ctx: GitHubSyncContext, repos: RepoRow[], repoIds: Map<string, string>): Promise<void> {
  const full = ctx.due(ctx.state.dependabotFullAt);
  const existing = await reposWithFindings(ctx, DEPENDABOT_CATEGORY);
  const unreadable = repos.filter((r) => r.dependabotSignal === null && r.settings.vulnerabilityAlertsEnabled && !r.archived);
  if (unreadable.length) ctx.skip("dependabot alerts", new Error(`not readable for ${unreadable.length} repositories (e.g. ${unreadable[0].fullName})`));
  const due = repos.filter((r) => {
    const id = repoIds.get(r.externalId);
    if (!id || r.dependabotSignal === null) return false;
    if (!full && ctx.state.repos[r.externalId]?.a === r.dependabotSignal) return false;
    return (r.dependabotAlerts ?? 0) > 0 || existing.has(id);
  });
  // Nothing to read where there is nothing and never was: just remember the signal.
  for (const r of repos) if (r.dependabotSignal !== null && r.dependabotAlerts === 0 && !existing.has(repoIds.get(r.externalId) ?? "")) (ctx.state.repos[r.externalId] ??= {}).a = r.dependabotSignal;
  ctx.add("dependabot.repositoriesSkippedUnchanged", repos.length - due.length);
  let allOk = unreadable.length === 0;
  const cwes = (ctx.state.advisoryCwes ??= {});
  for (let i = 0; i < due.length; i += ctx.options.chunkSize) {
    const chunk = due.slice(i, i + ctx.options.chunkSize);
    const res = await fetchDependabotAlerts(ctx.client, chunk.map((r) => r.externalId), ctx.options.dependabotBatchSize);
    for (const [id, why] of res.failed) { allOk = false; ctx.skip(`dependabot alerts ${chunk.find((r) => r.externalId === id)?.fullName ?? id}`, new Error(why)); }
    const ghsas = [...res.complete.values()].flat().map((a) => a.securityAdvisory?.ghsaId).filter((g): g is string => !!g && !cwes[g]);
    for (const [g, list] of await fetchAdvisoryCwes(ctx.client, ghsas, (e) => ctx.skip("advisory CWEs", e))) cwes[g] = list;
    const loads: ScopeLoad[] = [];
    for (const r of chunk) {
      const alerts = res.complete.get(r.externalId);
      if (!alerts) continue;
      loads.push({
        repoId: repoIds.get(r.externalId)!, complete: true,
        findings: alerts.map((a) => dependabotFinding(a, cwes[a.securityAdvisory?.ghsaId ?? ""] ?? [])),
        rules: alerts.map(dependabotRule).filter((x): x is RuleInput => !!x),
      });
    }
    await loadScopes(ctx, DEPENDABOT_CATEGORY, loads);
    for (const r of chunk) if (res.complete.has(r.externalId)) (ctx.state.repos[r.externalId] ??= {}).a = r.dependabotSignal!;
    await ctx.saveState();
  }
  const names = Object.keys(cwes);
  if (names.length > 5000) for (const g of names.slice(0, names.length - 5000)) delete cwes[g];
  if (full && allOk) ctx.state.dependabotFullAt = ctx.now.toISOString();
}

/** Code scanning and secret scanning (REST): the organization endpoint, per repository as a fallback. */
async function syncRestAlerts<T extends { number: number; updated_at: string; repository?: { full_name: string } }>(
  ctx: GitHubSyncContext, repos: RepoRow[], repoIds: Map<string, string>, category: string, cfg: RestAlertsConfig, cursorKey: "codeScanning" | "secretScanning",
  toFinding: (a: T) => FindingInput, toRule: (a: T) => RuleInput,
): Promise<void> {
  const prev = ctx.state[cursorKey] ?? {};
  const full = ctx.due(prev.fullAt);
  const res = await fetchRestAlerts<T>(ctx.client, ctx.org, repos.map((r) => ({ fullName: r.fullName, archived: r.archived, empty: r.settings.github.empty })), cfg, prev, full);
  for (const e of res.errors) ctx.skip(category, new Error(e));
  for (const [name, why] of res.failed) ctx.skip(`${category} ${name}`, new Error(why));
  const idByName = new Map(repos.filter((r) => repoIds.has(r.externalId)).map((r) => [r.fullName.toLowerCase(), repoIds.get(r.externalId)!]));
  const existing = await reposWithFindings(ctx, category);
  const loads: ScopeLoad[] = [];
  let unknownRepos = 0;
  for (const [name, alerts] of res.byRepo) {
    const repoId = idByName.get(name);
    if (!repoId) { unknownRepos++; continue; }
    loads.push({ repoId, complete: res.completeRepos.has(name), findings: alerts.map(toFinding), rules: alerts.map(toRule) });
  }
  // A complete fetch that no longer lists a repository's alerts: its old ones are gone (fixed).
  for (const name of res.completeRepos) {
    const repoId = idByName.get(name);
    if (repoId && !res.byRepo.has(name) && existing.has(repoId)) loads.push({ repoId, complete: true, findings: [], rules: [] });
  }
  await loadScopes(ctx, category, loads);
  if (res.requestsNotModified) ctx.add(`${category.replace("github:", "")}.notModified`, res.requestsNotModified);
  // Alerts of repositories we do not know yet (listing incomplete) must be read again: keep the old cursor.
  if (res.cursor && unknownRepos === 0) ctx.state[cursorKey] = res.cursor;
  await ctx.saveState();
}

export const syncCodeScanning = (ctx: GitHubSyncContext, repos: RepoRow[], ids: Map<string, string>) =>
  syncRestAlerts<CodeScanningAlertRaw>(ctx, repos, ids, CODE_SCANNING_CATEGORY, CODE_SCANNING_REST, "codeScanning", codeScanningFinding, codeScanningRule);

export const syncSecretScanning = (ctx: GitHubSyncContext, repos: RepoRow[], ids: Map<string, string>) =>
  syncRestAlerts<SecretScanningAlertRaw>(ctx, repos, ids, SECRET_SCANNING_CATEGORY, SECRET_SCANNING_REST, "secretScanning", secretScanningFinding, secretScanningRule);
