import { EnvironmentProtectionRule, InventoryDeployment, InventoryEnvironment, isProductionName, stopsRun } from "../core";
import type { GitHubClient } from "./client";
import type { DeploymentRaw, RepoDetailsRaw } from "./repo-details";

/** Protection rules per environment, 100 environments a query (one connection each). */
export const ENVIRONMENT_RULES_QUERY = `
query EnvironmentRules($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Environment { id protectionRules(first: 10) { nodes { type timeout preventSelfReview } } }
  }
  rateLimit { cost limit remaining resetAt }
}`;

export type ProtectionRule = EnvironmentProtectionRule;

/** get: protection rules by environment node id; an environment missing from the map could not be read. */
export async function fetchEnvironmentRules(client: GitHubClient, ids: string[], onError: (e: unknown) => void): Promise<Map<string, ProtectionRule[]>> {
  const out = new Map<string, ProtectionRule[]>();
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += 100) batches.push(ids.slice(i, i + 100));
  await Promise.all(batches.map(async (batch) => {
    try {
      const res = await client.graphql<{ nodes: ({ id: string; protectionRules: { nodes: ProtectionRule[] } | null } | null)[] }>("environments", ENVIRONMENT_RULES_QUERY, { ids: batch });
      for (const n of res.data?.nodes ?? []) if (n?.id && n.protectionRules) out.set(n.id, n.protectionRules.nodes);
    } catch (err) {
      if (stopsRun(err)) throw err;
      onError(err);
    }
  }));
  return out;
}

export type EnvironmentRow = InventoryEnvironment;
export type DeploymentRow = InventoryDeployment;
const envKey = (repoNodeId: string, name: string) => `gh-env:${repoNodeId}:${name.toLowerCase()}`;

/**
 * transform: environments (with their protection rules when read) and recent
 * deployments. An environment named only by a deployment still gets a row so
 * the deployment has somewhere to point. `complete`: the full list was read,
 * so environments no longer listed may be removed.
 */
export function transformEnvironments(d: RepoDetailsRaw, rules: Map<string, ProtectionRule[]>): { environments: EnvironmentRow[]; deployments: DeploymentRow[]; complete: boolean } {
  const envs = new Map<string, EnvironmentRow>();
  for (const e of d.environments?.nodes ?? []) {
    envs.set(envKey(d.id, e.name), { externalId: envKey(d.id, e.name), name: e.name, production: isProductionName(e.name), protectionRules: rules.get(e.id) ?? null });
  }
  const deployments: DeploymentRow[] = [];
  for (const dep of d.deployments?.nodes ?? []) {
    const name = dep.latestEnvironment ?? dep.environment;
    if (!name || dep.databaseId == null) continue;
    const key = envKey(d.id, name);
    if (!envs.has(key)) envs.set(key, { externalId: key, name, production: isProductionName(name), protectionRules: null });
    deployments.push(toDeployment(dep, key));
  }
  const complete = !!d.environments && d.environments.totalCount <= d.environments.nodes.length;
  return { environments: [...envs.values()], deployments, complete };
}

function toDeployment(dep: DeploymentRaw, envExternalId: string): DeploymentRow {
  return {
    externalId: `gh-deployment:${dep.databaseId}`, environmentExternalId: envExternalId, commitSha: dep.commitOid || null,
    ref: dep.ref?.name ?? null, state: dep.state ?? dep.latestStatus?.state ?? "UNKNOWN", deployedAt: new Date(dep.createdAt),
  };
}
