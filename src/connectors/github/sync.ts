import type { DataSource } from "typeorm";
import type { Logger } from "../../common/logger";
import type { FindingStore } from "../../findings";
import { GitHubClient, GitHubClientOptions } from "./client";
import { authFor, GitHubCredentials } from "./auth";
import { describe, type ConnectorRunResult, runPhases, type Phase, markGoneRepositories, mergeOrganizationSettings, upsertOrganization, upsertRepositories } from "../core";
import { ConnectorProvider } from "../../common/types";
import { listRepositories, RepoRow } from "./repositories";
import { syncDetails } from "./sync-details";
import { syncCodeScanning, syncDependabot, syncSecretScanning } from "./sync-alerts";
import { fetchOrgSettings } from "./org-settings";
import { DEFAULT_SYNC_OPTIONS, GitHubState, GitHubSyncContext, SyncOptions } from "./sync-context";

export interface GitHubSyncInput {
  ds: DataSource;
  findingStore: FindingStore;
  log: Logger;
  connector: { id: string; organization: string; url: string; state: Record<string, unknown> };
  credentials: GitHubCredentials;
  runId: string;
  client?: Partial<Omit<GitHubClientOptions, "baseUrl" | "auth">>;
  options?: Partial<SyncOptions>;
  now?: Date;
  /** Persists connector.state (called after each chunk so a cut-off run resumes where it was). */
  saveState: (state: Record<string, unknown>) => Promise<void>;
}

export type GitHubSyncResult = Omit<ConnectorRunResult, "requestsByApi">;

/**
 * One GitHub connector run: organization and repositories, then details,
 * Dependabot, code scanning, secret scanning and organization settings, each
 * get → transform → load → cleanup. A scope that fails is recorded and left
 * untouched; a rate-limit stop ends the run early (PARTIAL) and the saved
 * state lets the next run pick up what this one skipped.
 */
export async function runGitHubSync(input: GitHubSyncInput): Promise<GitHubSyncResult> {
  const now = input.now ?? new Date();
  const client = new GitHubClient({ ...input.client, baseUrl: input.connector.url, auth: authFor(input.connector.url, input.credentials, input.client?.now), log: input.log });
  const state: GitHubState = { repos: {}, ...((input.connector.state.github as GitHubState | undefined) ?? {}) };
  const fullState = () => ({ ...input.connector.state, github: state });
  const ctx = new GitHubSyncContext(input.ds, client, input.findingStore, input.log, input.connector.organization, input.runId, state,
    { ...DEFAULT_SYNC_OPTIONS, ...input.options }, now, () => input.saveState(fullState()));
  const result = (status: GitHubSyncResult["status"]): GitHubSyncResult => ({
    organizationId: ctx.orgId || null, status, counts: { ...ctx.counts, ...requestCounts(client) }, errors: ctx.errors,
    requests: client.stats.requests, pointsUsed: client.stats.graphqlPoints + client.stats.restRequests - client.stats.notModified, state: fullState(),
  });

  let listing;
  try {
    listing = await listRepositories(client, input.connector.organization, (e) => ctx.skip("repositories (later pages)", e));
  } catch (err) {
    ctx.errors.push(`organization ${input.connector.organization}: ${describe(err)}`);
    return result("FAILED");
  }
  listing.errors.forEach((e) => ctx.errors.push(e));
  const org = listing.org!;
  let repoIds = new Map<string, string>();
  await input.ds.transaction(async (em) => {
    ctx.orgId = await upsertOrganization(em, ConnectorProvider.GITHUB, org.login, org.url, org.id);
    repoIds = await upsertRepositories(em, "github", ctx.orgId, input.runId, listing.repos);
  });
  ctx.add("repositories", listing.repos.length);
  const unmapped = listing.repos.filter((r) => !repoIds.has(r.externalId));
  if (unmapped.length) ctx.errors.push(`repositories: ${unmapped.length} held by another organization's connector (e.g. ${unmapped[0].fullName}); skipped`);
  const repos = listing.repos.filter((r) => repoIds.has(r.externalId));

  const phases: Phase[] = [
    ["repository details", () => syncDetails(ctx, repos, repoIds)],
    ["dependabot alerts", () => syncDependabot(ctx, repos, repoIds)],
    ["code scanning alerts", () => syncCodeScanning(ctx, repos, repoIds)],
    ["secret scanning alerts", () => syncSecretScanning(ctx, repos, repoIds)],
    ["organization settings", () => syncOrgSettings(ctx, org)],
  ];
  if (listing.stopped) {
    ctx.stopReason = listing.stopped;
    ctx.errors.push(`stopped while listing repositories: ${listing.stopped}; skipped: ${phases.map((p) => p[0]).join(", ")} (the next run continues)`);
  }
  await runPhases(ctx, phases);
  // cleanup: only a complete listing may say a repository is gone.
  if (listing.complete && !ctx.stopReason) {
    const gone = await input.ds.transaction((em) => markGoneRepositories(em, "github", ctx.orgId, input.runId, now));
    if (gone) ctx.add("repositoriesGone", gone);
  } else if (!listing.complete) ctx.errors.push("repositories: listing incomplete; none marked gone");
  await ctx.saveState();
  return result(ctx.errors.length ? "PARTIAL" : "SUCCEEDED");
}

async function syncOrgSettings(ctx: GitHubSyncContext, org: NonNullable<Awaited<ReturnType<typeof listRepositories>>["org"]>): Promise<void> {
  if (!ctx.due(ctx.state.orgSettingsAt, ctx.options.orgSettingsRefreshMs)) { ctx.add("organizationSettingsSkippedFresh"); return; }
  const etags = (ctx.state.etags ??= {});
  const before = ctx.errors.length;
  const patch = await fetchOrgSettings(ctx.client, ctx.org, org, etags, (e) => ctx.skip("organization settings", new Error(e)));
  const rows: { settings: Record<string, unknown> }[] = await ctx.ds.query(`SELECT settings FROM devops_organization WHERE id = $1`, [ctx.orgId]);
  const current = (rows[0]?.settings?.github as Record<string, unknown> | undefined) ?? {};
  await ctx.ds.transaction((em) => mergeOrganizationSettings(em, ctx.orgId, { github: { ...current, ...patch, readAt: ctx.now.toISOString() } }));
  ctx.add("organizationSettings", Object.keys(patch).length);
  if (ctx.errors.length === before) ctx.state.orgSettingsAt = ctx.now.toISOString();
}

function requestCounts(client: GitHubClient): Record<string, number> {
  const s = client.stats;
  const out: Record<string, number> = {
    "requests.graphql": s.graphqlRequests, "requests.rest": s.restRequests, "requests.notModified": s.notModified,
    "points.graphql": s.graphqlPoints, "requests.retries": s.retries, "requests.waitedMs": s.waitedMs,
  };
  for (const [k, v] of Object.entries(s.byResource)) out[`requests.${k}`] = v;
  return out;
}

export type { RepoRow };
