import { effectiveProtection } from "./protection";
import { codeownersOf, fetchRepoDetails, RepoDetailsRaw } from "./repo-details";
import { fetchRulesetDetails, RulesetDetails, toRuleset } from "./rulesets";
import { fetchEnvironmentRules, transformEnvironments } from "./environments";
import { isWorkflowFile, parseWorkflow } from "./workflows";
import { mergeRepositorySettings, replacePipelines, upsertEnvironments, type EnvironmentLoad, type InventoryPipeline } from "../core";
import type { RepoRow } from "./repositories";
import type { GitHubSyncContext } from "./sync-context";

/**
 * Details of repositories whose change signal moved (or all, once a day):
 * get (batched) → transform (protection, CODEOWNERS, workflows, environments)
 * → load, a chunk at a time. A part that came back with an error is not
 * written; the repository's signal is not advanced, so the next run retries.
 */
export async function syncDetails(ctx: GitHubSyncContext, repos: RepoRow[], repoIds: Map<string, string>): Promise<void> {
  const full = ctx.due(ctx.state.detailsFullAt);
  const due = repos.filter((r) => repoIds.has(r.externalId) && !r.settings.github.disabled && (full || ctx.state.repos[r.externalId]?.d !== r.detailSignal));
  ctx.add("repositoryDetailsSkippedUnchanged", repos.length - due.length);
  const rulesetCache = new Map<string, RulesetDetails>();
  let allOk = true;
  for (let i = 0; i < due.length; i += ctx.options.chunkSize) {
    const chunk = due.slice(i, i + ctx.options.chunkSize);
    const res = await fetchRepoDetails(ctx.client, chunk.map((r) => r.externalId), ctx.options.detailBatchSize);
    for (const [id, why] of res.failed) { allOk = false; ctx.skip(`repository details ${nameOf(chunk, id)}`, new Error(why)); }
    const details = [...res.details.values()];
    const rulesetIds = details.flatMap((d) => d.rulesets?.nodes.map((n) => n.id) ?? []).filter((id) => !rulesetCache.has(id));
    for (const [k, v] of await fetchRulesetDetails(ctx.client, rulesetIds, (e) => ctx.skip("rulesets", e))) rulesetCache.set(k, v);
    const envIds = details.flatMap((d) => d.environments?.nodes.map((e) => e.id) ?? []);
    const envRules = await fetchEnvironmentRules(ctx.client, envIds, (e) => ctx.skip("environment protection rules", e));

    const patches: { repoId: string; patch: Record<string, unknown> }[] = [];
    const pipelines: InventoryPipeline[] = [];
    const workflowRepos: string[] = [];
    const envLoads: EnvironmentLoad[] = [];
    const advanced: [string, string][] = [];
    for (const repo of chunk) {
      const d = res.details.get(repo.externalId);
      const repoId = repoIds.get(repo.externalId)!;
      if (!d) continue;
      const bad = res.fieldErrors.get(repo.externalId) ?? new Set<string>();
      const patch: Record<string, unknown> = { detailsSyncedAt: ctx.now.toISOString() };
      const rulesets = bad.has("rulesets") || !d.rulesets ? null : d.rulesets.nodes.map((n) => toRuleset(n, rulesetCache.get(n.id)));
      const classic = bad.has("branchProtectionRules") || !d.branchProtectionRules ? null : d.branchProtectionRules.nodes;
      patch.protection = effectiveProtection(d.defaultBranchRef?.name ?? repo.defaultBranch, classic, rulesets);
      if (classic) patch.branchProtectionRules = classic;
      if (rulesets) patch.rulesets = rulesets;
      if (!["co1", "co2", "co3"].some((k) => bad.has(k))) patch.codeowners = codeownersOf(d);
      patches.push({ repoId, patch });
      if (!bad.has("workflows")) { workflowRepos.push(repoId); pipelines.push(...workflowsOf(d, repo, repoId)); }
      if (!bad.has("environments") && !bad.has("deployments")) {
        const t = transformEnvironments(d, envRules);
        envLoads.push({ repoId, complete: t.complete, environments: t.environments, deployments: t.deployments });
      }
      if (bad.size) { allOk = false; ctx.skip(`repository details ${repo.fullName}`, new Error(`could not read ${[...bad].join(", ")}`)); }
      else advanced.push([repo.externalId, repo.detailSignal]);
    }
    await ctx.ds.transaction(async (em) => {
      await mergeRepositorySettings(em, patches);
      const p = await replacePipelines(em, "GITHUB_WORKFLOW", ctx.orgId, ctx.runId, { repoIds: workflowRepos }, pipelines);
      const e = await upsertEnvironments(em, ctx.orgId, "gh-env:", envLoads);
      ctx.add("pipelines", p.upserted); ctx.add("pipelinesRemoved", p.removed);
      ctx.add("environments", e.environments); ctx.add("deployments", e.deployments);
    });
    ctx.add("repositoryDetails", patches.length);
    for (const [id, sig] of advanced) (ctx.state.repos[id] ??= {}).d = sig;
    await ctx.saveState();
  }
  if (full && allOk) ctx.state.detailsFullAt = ctx.now.toISOString();
}

function nameOf(repos: RepoRow[], id: string): string {
  return repos.find((r) => r.externalId === id)?.fullName ?? id;
}

function workflowsOf(d: RepoDetailsRaw, repo: RepoRow, repoId: string): InventoryPipeline[] {
  const branch = d.defaultBranchRef?.name ?? repo.defaultBranch ?? "HEAD";
  return (d.workflows?.entries ?? []).filter((e) => e.type === "blob" && isWorkflowFile(e.name)).map((e) => {
    const text = e.object?.text;
    const facts = typeof text === "string" ? parseWorkflow(e.path, text) : parseWorkflow(e.path, "");
    if (typeof text !== "string") facts.definition.parseError = e.object?.isBinary ? "binary file" : "content not readable (too large?)";
    return {
      repoId, externalId: `gh-workflow:${repo.externalId}:${e.path}`, name: facts.name, path: e.path, triggers: facts.triggers,
      definition: { ...facts.definition, blobSha: e.object?.oid ?? null }, url: `${repo.url}/blob/${encodeURIComponent(branch)}/${e.path}`,
    };
  });
}
