import { ConnectorProvider } from "../../common/types";
import {
  describe, markGoneRepositories, mergeOrganizationSettings, replacePipelines, runPhases, SyncContext, upsertEnvironments, upsertOrganization,
  upsertProjects, upsertRepositories, type ConnectorRunInput, type ConnectorRunResult, type EnvironmentLoad, type InventoryRepository, type Phase,
} from "../core";
import type { FindingInput } from "../../findings/finding-store.types";
import { AzureDevOpsClient, type AzureDevOpsClientOptions } from "./client";
import {
  ADVSEC_CATEGORY, alertFinding, effectiveProtection, secureFile, serviceConnection, transformBuildDefinition, transformDeployment,
  transformEnvironment, transformReleaseDefinition, transformRepository, variableGroup, withPolicies,
  type AlertRaw, type BuildDefinitionRaw, type BuildRaw, type DeploymentRecordRaw, type EnvironmentRaw, type Open, type PolicyRaw, type ProjectRaw,
  type ReleaseDefinitionRaw, type RepositoryRaw, type SecureFileRaw, type ServiceEndpointRaw, type VariableGroupRaw,
} from "./transforms";

export interface AzureDevOpsCredentials { type: "pat"; token: string }

/** What the connector remembers between runs (connector.state.azureDevOps). */
export interface AzureDevOpsState {
  /** Per repository GUID: when its alerts were last read completely (`full`) or incrementally (`since`). */
  alerts: Record<string, { since: string; full: string }>;
  /** Per project name: when its service connections, variable groups and secure files were last read. */
  projectSettingsAt: Record<string, string>;
}

export interface AzureDevOpsSyncOptions {
  /** Alerts are read completely (not only those modified since the last run) at least this often. */
  fullRefreshMs: number;
  /** Service connections, variable groups, secure files and their pipeline permissions are re-read this often. */
  projectSettingsRefreshMs: number;
  /** modifiedSince goes back this much further than the last read (clock skew between us and the source). */
  alertSkewMs: number;
  /** Deployment records read per environment (the newest). */
  deploymentsPerEnvironment: number;
}

export const DEFAULT_SYNC_OPTIONS: AzureDevOpsSyncOptions = { fullRefreshMs: 24 * 3600_000, projectSettingsRefreshMs: 3 * 3600_000, alertSkewMs: 5 * 60_000, deploymentsPerEnvironment: 50 };

const enc = encodeURIComponent;

class AdoSyncContext extends SyncContext<AzureDevOpsState> {
  constructor(input: ConnectorRunInput<AzureDevOpsCredentials>, readonly client: AzureDevOpsClient, state: AzureDevOpsState, readonly options: AzureDevOpsSyncOptions, now: Date, save: () => Promise<void>) {
    super(input.ds, input.findingStore, input.log, input.connector.organization, input.runId, state, now, save, "azure-devops");
  }
}

interface ProjectRun { raw: ProjectRaw; id: string; repoIds: Map<string, string>; repos: InventoryRepository[]; reposOk: boolean }

/**
 * One Azure DevOps run: location negotiation, projects, then per project
 * repositories + branch policies, build and release definitions,
 * environments + deployments, service connections / variable groups /
 * secure files, then Advanced Security alerts per repository; each
 * get → transform → load → cleanup. A scope that cannot be read (401/403,
 * retries exhausted) is recorded (PARTIAL) and its stored data left as it was.
 */
export async function runAzureDevOpsSync(input: ConnectorRunInput<AzureDevOpsCredentials>): Promise<ConnectorRunResult> {
  const now = input.now ?? new Date();
  const tuning = (input.tuning.azureDevOps ?? {}) as Partial<AzureDevOpsClientOptions>;
  const client = new AzureDevOpsClient({ maxConcurrency: 4, reserveFraction: 0.1, ...tuning, collectionUrl: input.connector.url, pat: input.credentials.token, log: input.log, signal: input.signal });
  const prev = (input.connector.state.azureDevOps as Partial<AzureDevOpsState> | undefined) ?? {};
  const state: AzureDevOpsState = { alerts: { ...prev.alerts }, projectSettingsAt: { ...prev.projectSettingsAt } };
  const fullState = () => ({ ...input.connector.state, azureDevOps: state });
  const options = { ...DEFAULT_SYNC_OPTIONS, ...(input.tuning.azureDevOpsSync as Partial<AzureDevOpsSyncOptions> | undefined) };
  const ctx = new AdoSyncContext(input, client, state, options, now, () => input.saveState(fullState()));
  const result = (status: ConnectorRunResult["status"]): ConnectorRunResult => {
    const counts: Record<string, number> = { ...ctx.counts, "requests.retries": client.stats.retries, "requests.waitedMs": client.stats.waitedMs };
    for (const [k, v] of Object.entries(client.byKind)) counts[`requests.${k}`] = v;
    for (const [k, v] of Object.entries(client.stats.byResource)) counts[`requests.${k}`] = v;
    return { organizationId: ctx.orgId || null, status, counts, errors: ctx.errors, requests: client.stats.requests, pointsUsed: client.stats.requests, state: fullState(), requestsByApi: { ...client.byKind } };
  };

  const base = client.hosts.collection;
  let projects: ProjectRaw[];
  try {
    await client.discover();
    projects = await client.list<ProjectRaw>("projects", `${base}/_apis/projects?api-version=7.1&$top=100`);
  } catch (err) {
    ctx.errors.push(`organization ${input.connector.organization}: ${describe(err)}`);
    return result("FAILED");
  }
  const wanted = (input.connector.options.projects as string[] | null | undefined) ?? null;
  if (wanted?.length) {
    const names = new Set(wanted.map((w) => w.toLowerCase()));
    for (const w of wanted) if (!projects.some((p) => p.name.toLowerCase() === w.toLowerCase())) ctx.skip(`project ${w}`, new Error("not found, or not readable with this token"));
    projects = projects.filter((p) => names.has(p.name.toLowerCase()));
  }
  let projectIds = new Map<string, string>();
  await input.ds.transaction(async (em) => {
    ctx.orgId = await upsertOrganization(em, ConnectorProvider.AZURE_DEVOPS, input.connector.organization, base, input.connector.organization.toLowerCase());
    projectIds = await upsertProjects(em, ctx.orgId, projects.map((p) => ({ name: p.name, url: `${base}/${enc(p.name)}`, externalId: p.id })));
  });
  ctx.add("projects", projects.length);
  const runs: ProjectRun[] = projects.map((p) => ({ raw: p, id: projectIds.get(p.name)!, repoIds: new Map(), repos: [], reposOk: false }));
  let advsec: Map<string, boolean> | null = null;
  const orgPatch: Record<string, unknown> = {};

  const phases: Phase[] = [
    ["advanced security enablement", async () => { advsec = await fetchEnablement(ctx); }],
    ["repositories and policies", async () => { for (const r of runs) await syncRepositories(ctx, r, advsec); }],
    ["pipelines", async () => { for (const r of runs) if (r.reposOk) await syncPipelines(ctx, r); }],
    ["environments", async () => { for (const r of runs) if (r.reposOk) await syncEnvironments(ctx, r); }],
    ["project settings", async () => { for (const r of runs) { const p = await syncProjectSettings(ctx, r); if (p) orgPatch[r.raw.name] = p; } }],
    ["advanced security alerts", () => syncAlerts(ctx, runs, advsec)],
  ];
  await runPhases(ctx, phases);
  if (Object.keys(orgPatch).length || advsec) {
    const rows: { settings: Record<string, any> }[] = await input.ds.query(`SELECT settings FROM devops_organization WHERE id = $1`, [ctx.orgId]);
    const current = (rows[0]?.settings?.azureDevOps as Record<string, any> | undefined) ?? {};
    const next = { ...current, projects: { ...(current.projects ?? {}), ...orgPatch }, readAt: now.toISOString() } as Record<string, unknown>;
    if (advsec) next.advancedSecurityEnabledRepositories = [...(advsec as Map<string, boolean>).values()].filter(Boolean).length;
    await input.ds.transaction((em) => mergeOrganizationSettings(em, ctx.orgId, { azureDevOps: next }));
  }
  await ctx.saveState();
  return result(ctx.errors.length ? "PARTIAL" : "SUCCEEDED");
}

/** GET {advsec}/{org}/_apis/management/enablement: which repositories have Advanced Security; null when unreadable. */
async function fetchEnablement(ctx: AdoSyncContext): Promise<Map<string, boolean> | null> {
  try {
    const res = await ctx.client.rest<{ reposEnablementStatus?: { repositoryId: string; advSecEnabled: boolean }[] }>(
      "advsec-enablement", `${ctx.client.hosts.advsec}/_apis/management/enablement?includeAllProperties=true&api-version=7.2-preview.1`, "advsec");
    return new Map((res.data?.reposEnablementStatus ?? []).map((r) => [r.repositoryId.toLowerCase(), !!r.advSecEnabled]));
  } catch (err) {
    ctx.skip("advanced security enablement", err);
    return null;
  }
}

async function syncRepositories(ctx: AdoSyncContext, run: ProjectRun, advsec: Map<string, boolean> | null): Promise<void> {
  const base = ctx.client.hosts.collection;
  const proj = enc(run.raw.name);
  let raw: RepositoryRaw[];
  try {
    raw = await ctx.client.list<RepositoryRaw>("git-repositories", `${base}/${proj}/_apis/git/repositories?includeHidden=true&api-version=7.1`);
  } catch (err) {
    ctx.skip(`project ${run.raw.name}: repositories (its pipelines, environments and alerts are left as they were)`, err);
    return;
  }
  let policies: PolicyRaw[] | null = null;
  try {
    policies = await ctx.client.list<PolicyRaw>("policy-configurations", `${base}/${proj}/_apis/policy/configurations?api-version=7.1&$top=100`);
  } catch (err) {
    ctx.skip(`project ${run.raw.name}: branch policies`, err);
  }
  const kept = new Map<string, { policies: unknown; hasProtection: boolean }>();
  if (!policies) {
    const rows: { external_id: string; policies: unknown; has: boolean }[] = await ctx.ds.query(
      `SELECT external_id, settings->'azureDevOps'->'policies' AS policies, settings ? 'protection' AS has FROM repository WHERE project_id = $1`, [run.id]);
    for (const r of rows) kept.set(r.external_id, { policies: r.policies, hasProtection: r.has });
  }
  const repos = raw.map((r) => {
    const row = transformRepository(ctx.org, run.raw, r, run.id);
    const ado = row.settings.azureDevOps as Record<string, unknown>;
    ado.advancedSecurity = advsec ? advsec.get(r.id.toLowerCase()) ?? false : "unknown";
    if (policies) withPolicies(row, r, policies);
    else {
      const k = kept.get(r.id);
      if (k?.policies) ado.policies = k.policies;
      if (!k?.hasProtection) row.settings.protection = effectiveProtection(r.id, r.defaultBranch ?? null, null);
    }
    return row;
  });
  await ctx.ds.transaction(async (em) => {
    run.repoIds = await upsertRepositories(em, "azure-devops", ctx.orgId, ctx.runId, repos);
    // cleanup: this project's listing was complete, so what it no longer lists is gone.
    if (!ctx.stopReason) {
      const gone = await markGoneRepositories(em, "azure-devops", ctx.orgId, ctx.runId, ctx.now, [run.id]);
      if (gone) ctx.add("repositoriesGone", gone);
    }
  });
  const unmapped = repos.filter((r) => !run.repoIds.has(r.externalId));
  if (unmapped.length) ctx.errors.push(`project ${run.raw.name}: ${unmapped.length} repositories held by another organization (e.g. ${unmapped[0].fullName}); skipped`);
  run.repos = repos.filter((r) => run.repoIds.has(r.externalId));
  run.reposOk = true;
  ctx.add("repositories", run.repos.length);
  if (policies) ctx.add("policies", policies.length);
}

async function syncPipelines(ctx: AdoSyncContext, run: ProjectRun): Promise<void> {
  const proj = enc(run.raw.name);
  try {
    const defs = await ctx.client.list<BuildDefinitionRaw>("build-definitions", `${ctx.client.hosts.collection}/${proj}/_apis/build/definitions?includeAllProperties=true&$top=100&api-version=7.1`);
    const rows = defs.map((d) => transformBuildDefinition(run.id, d, run.repoIds));
    const r = await ctx.ds.transaction((em) => replacePipelines(em, "AZURE_BUILD", ctx.orgId, ctx.runId, { projectIds: [run.id] }, rows));
    ctx.add("pipelines", r.upserted); ctx.add("pipelinesRemoved", r.removed);
  } catch (err) {
    ctx.skip(`project ${run.raw.name}: build definitions`, err);
  }
  try {
    const defs = await ctx.client.list<ReleaseDefinitionRaw>("release-definitions",
      `${ctx.client.hosts.release}/${proj}/_apis/release/definitions?$expand=environments,artifacts,triggers&$top=100&api-version=7.1`, "release");
    const rows = defs.map((d) => transformReleaseDefinition(run.id, d));
    const r = await ctx.ds.transaction((em) => replacePipelines(em, "AZURE_RELEASE", ctx.orgId, ctx.runId, { projectIds: [run.id] }, rows));
    ctx.add("releasePipelines", r.upserted); ctx.add("pipelinesRemoved", r.removed);
  } catch (err) {
    ctx.skip(`project ${run.raw.name}: release definitions`, err);
  }
}

async function syncEnvironments(ctx: AdoSyncContext, run: ProjectRun): Promise<void> {
  const base = `${ctx.client.hosts.collection}/${enc(run.raw.name)}`;
  let envs: EnvironmentRaw[];
  try {
    envs = await ctx.client.list<EnvironmentRaw>("environments", `${base}/_apis/pipelines/environments?$top=100&api-version=7.1`);
  } catch (err) {
    ctx.skip(`project ${run.raw.name}: environments`, err);
    return;
  }
  const records = new Map<number, DeploymentRecordRaw[]>();
  await Promise.all(envs.map(async (e) => {
    try {
      // The newest records only (one page): deployments are history, never removed.
      const res = await ctx.client.rest<{ value: DeploymentRecordRaw[] }>("environment-deployment-records",
        `${base}/_apis/pipelines/environments/${e.id}/environmentdeploymentrecords?top=${ctx.options.deploymentsPerEnvironment}&api-version=7.1`);
      records.set(e.id, res.data?.value ?? []);
    } catch (err) {
      ctx.skip(`project ${run.raw.name}: deployments of environment ${e.name}`, err);
    }
  }));
  // The commit of each deployment is its run's sourceVersion: one builds?buildIds= call per 100 runs.
  const buildIds = [...new Set([...records.values()].flat().filter((r) => r.owner?.id != null && (!r.planType || r.planType === "Build")).map((r) => r.owner!.id))];
  const builds = new Map<number, BuildRaw>();
  for (let i = 0; i < buildIds.length; i += 100) {
    try {
      const res = await ctx.client.rest<{ value: BuildRaw[] }>("builds", `${base}/_apis/build/builds?buildIds=${buildIds.slice(i, i + 100).join(",")}&api-version=7.1`);
      for (const b of res.data?.value ?? []) builds.set(b.id, b);
    } catch (err) {
      ctx.skip(`project ${run.raw.name}: build runs (deployment commits)`, err);
    }
  }
  const load: EnvironmentLoad = {
    repoId: null, projectId: run.id, complete: true, environments: envs.map((e) => transformEnvironment(run.id, e)),
    deployments: [...records].flatMap(([envId, recs]) => recs.map((r) => transformDeployment(run.id, envId, r, builds, run.repoIds))),
  };
  const r = await ctx.ds.transaction((em) => upsertEnvironments(em, ctx.orgId, `ado-env:${run.id}:`, [load]));
  ctx.add("environments", r.environments); ctx.add("deployments", r.deployments);
}

/** Service connections, variable groups and secure files with "open to all pipelines"; never a secret value. Null: not read (kept as it was). */
async function syncProjectSettings(ctx: AdoSyncContext, run: ProjectRun): Promise<Record<string, unknown> | null> {
  if (!ctx.due(ctx.state.projectSettingsAt[run.raw.name], ctx.options.projectSettingsRefreshMs)) { ctx.add("projectSettingsSkippedFresh"); return null; }
  const base = `${ctx.client.hosts.collection}/${enc(run.raw.name)}`;
  const before = ctx.errors.length;
  const open = async (type: string, id: string | number): Promise<Open> => {
    try {
      const res = await ctx.client.rest<{ allPipelines?: { authorized?: boolean } | null }>(`pipeline-permissions-${type}`, `${base}/_apis/pipelines/pipelinepermissions/${type}/${id}?api-version=7.1-preview.1`);
      return !!res.data?.allPipelines?.authorized;
    } catch (err) {
      ctx.skip(`project ${run.raw.name}: pipeline permissions of ${type} ${id}`, err);
      return "unknown";
    }
  };
  const out: Record<string, unknown> = { readAt: ctx.now.toISOString() };
  let any = false;
  try {
    const eps = await ctx.client.list<ServiceEndpointRaw>("service-endpoints", `${base}/_apis/serviceendpoint/endpoints?api-version=7.1`);
    out.serviceConnections = await Promise.all(eps.map(async (e) => serviceConnection(e, await open("endpoint", e.id))));
    any = true;
  } catch (err) { ctx.skip(`project ${run.raw.name}: service connections`, err); }
  try {
    const groups = await ctx.client.list<VariableGroupRaw>("variable-groups", `${base}/_apis/distributedtask/variablegroups?api-version=7.1`);
    out.variableGroups = await Promise.all(groups.map(async (g) => variableGroup(g, await open("variablegroup", g.id))));
    any = true;
  } catch (err) { ctx.skip(`project ${run.raw.name}: variable groups`, err); }
  try {
    const files = await ctx.client.list<SecureFileRaw>("secure-files", `${base}/_apis/distributedtask/securefiles?api-version=7.1-preview.1`);
    out.secureFiles = await Promise.all(files.map(async (f) => secureFile(f, await open("securefile", f.id))));
    any = true;
  } catch (err) { ctx.skip(`project ${run.raw.name}: secure files`, err); }
  if (!any) return null;
  if (ctx.errors.length === before) ctx.state.projectSettingsAt[run.raw.name] = ctx.now.toISOString();
  ctx.add("serviceConnections", (out.serviceConnections as unknown[] | undefined)?.length ?? 0);
  ctx.add("variableGroups", (out.variableGroups as unknown[] | undefined)?.length ?? 0);
  ctx.add("secureFiles", (out.secureFiles as unknown[] | undefined)?.length ?? 0);
  return out;
}

interface AlertLoad { repoId: string; externalId: string; complete: boolean; findings: FindingInput[] }

/**
 * Alerts of every repository with Advanced Security (all of them when
 * enablement is unreadable). A repository read completely before and within
 * fullRefreshMs is asked only for alerts modified since (criteria.modifiedSince,
 * an incomplete scope: nothing is fixed by absence); otherwise the whole list,
 * a complete scope whose missing alerts become FIXED.
 */
async function syncAlerts(ctx: AdoSyncContext, runs: ProjectRun[], advsec: Map<string, boolean> | null): Promise<void> {
  const started = ctx.now.toISOString();
  const todo = runs.flatMap((run) => run.repos.filter((r) => !r.archived && (advsec === null || advsec.get(r.externalId.toLowerCase()))).map((r) => ({ run, r })));
  ctx.add("alerts.repositoriesNotEnabled", runs.reduce((n, run) => n + run.repos.length, 0) - todo.length);
  const loads: AlertLoad[] = [];
  await Promise.all(todo.map(async ({ run, r }) => {
    const prev = ctx.state.alerts[r.externalId];
    const full = !prev || ctx.due(prev.full, ctx.options.fullRefreshMs);
    let url = `${ctx.client.hosts.advsec}/${enc(run.raw.name)}/_apis/alert/repositories/${enc(r.name)}/alerts?top=100&api-version=7.2-preview.1`;
    if (!full) url += `&criteria.modifiedSince=${enc(new Date(Date.parse(prev.since) - ctx.options.alertSkewMs).toISOString())}`;
    try {
      const alerts = await ctx.client.list<AlertRaw>("advsec-alerts", url, "advsec");
      loads.push({ repoId: run.repoIds.get(r.externalId)!, externalId: r.externalId, complete: full, findings: alerts.map(alertFinding) });
    } catch (err) {
      ctx.skip(`alerts ${r.fullName}`, err);
    }
  }));
  for (let i = 0; i < loads.length; i += 50) {
    const batch = loads.slice(i, i + 50);
    await ctx.ds.transaction(async (em) => {
      for (const l of batch) {
        if (!l.complete && !l.findings.length) { ctx.add("alerts.repositoriesUnchanged"); continue; }
        const res = await ctx.findingStore.load(em, { organizationId: ctx.orgId, repositoryId: l.repoId, analysisCategory: ADVSEC_CATEGORY, source: "azure-devops", complete: l.complete, now: ctx.now }, l.findings, []);
        ctx.add("alerts", l.findings.length);
        for (const k of ["created", "updated", "fixed", "reopened", "dismissed"] as const) if (res[k]) ctx.add(`alerts.${k}`, res[k]);
      }
    });
    for (const l of batch) {
      const prev = ctx.state.alerts[l.externalId];
      ctx.state.alerts[l.externalId] = { since: started, full: l.complete ? started : prev?.full ?? started };
    }
    await ctx.saveState();
  }
}
