import type { GitHubClient } from "./client";
import { stopsRun } from "../core";
import type { BypassActor, RulesetRaw, RulesetRule } from "./protection";
import type { RulesetRef } from "./repo-details";

/**
 * Rules and bypass actors, fetched once per distinct ruleset (an
 * organization ruleset appears in every repository's list), 50 a query.
 */
export const RULESET_DETAILS_QUERY = `
query RulesetDetails($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on RepositoryRuleset {
      id
      bypassActors(first: 20) {
        nodes { bypassMode organizationAdmin deployKey repositoryRoleName actor { __typename ... on App { slug } ... on Team { slug } } }
      }
      rules(first: 30) {
        nodes {
          type
          parameters {
            __typename
            ... on PullRequestParameters {
              requiredApprovingReviewCount requireCodeOwnerReview dismissStaleReviewsOnPush requireLastPushApproval requiredReviewThreadResolution
            }
            ... on RequiredStatusChecksParameters { strictRequiredStatusChecksPolicy requiredStatusChecks { context integrationId } }
          }
        }
      }
    }
  }
  rateLimit { cost limit remaining resetAt }
}`;

interface RulesetDetailsRaw {
  id: string;
  bypassActors: { nodes: { bypassMode: string | null; organizationAdmin: boolean; deployKey: boolean; repositoryRoleName: string | null; actor: { __typename: string; slug?: string } | null }[] } | null;
  rules: { nodes: { type: string; parameters: Record<string, unknown> | null }[] } | null;
}

export interface RulesetDetails { rules: RulesetRule[] | null; bypassActors: BypassActor[] | null }

/** get: details per ruleset node id; a ruleset that could not be read maps to nulls (unknown). */
export async function fetchRulesetDetails(client: GitHubClient, ids: string[], onError: (e: unknown) => void): Promise<Map<string, RulesetDetails>> {
  const out = new Map<string, RulesetDetails>();
  const unique = [...new Set(ids)];
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += 50) batches.push(unique.slice(i, i + 50));
  await Promise.all(batches.map(async (batch) => {
    try {
      const res = await client.graphql<{ nodes: (RulesetDetailsRaw | null)[] }>("rulesets", RULESET_DETAILS_QUERY, { ids: batch });
      for (const n of res.data?.nodes ?? []) {
        if (!n?.id) continue;
        out.set(n.id, {
          bypassActors: n.bypassActors ? n.bypassActors.nodes.map((b) => ({
            bypassMode: b.bypassMode, organizationAdmin: b.organizationAdmin, deployKey: b.deployKey, repositoryRoleName: b.repositoryRoleName,
            actor: b.actor ? `${b.actor.__typename}:${b.actor.slug ?? "?"}` : null,
          })) : null,
          rules: n.rules ? n.rules.nodes.map((r) => ({ type: r.type, parameters: stripTypename(r.parameters) })) : null,
        });
      }
    } catch (err) {
      if (stopsRun(err)) throw err;
      onError(err);
    }
  }));
  return out;
}

function stripTypename(p: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!p) return null;
  const { __typename: _t, ...rest } = p;
  return rest;
}

/** transform: a ruleset reference plus its details → the shape protection.ts reads. */
export function toRuleset(ref: RulesetRef, d: RulesetDetails | undefined): RulesetRaw {
  const source = ref.source.__typename === "Organization" ? `org:${ref.source.login ?? ""}` : `repo:${ref.source.nameWithOwner ?? ""}`;
  return {
    id: ref.id, databaseId: ref.databaseId, name: ref.name, enforcement: ref.enforcement, target: ref.target, source,
    include: ref.conditions?.refName?.include ?? [], exclude: ref.conditions?.refName?.exclude ?? [],
    rules: d?.rules ?? null, bypassActors: d?.bypassActors ?? null,
  };
}
