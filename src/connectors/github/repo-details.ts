import type { GitHubClient } from "./client";
import { SourceUnavailableError, stopsRun } from "../core";
import type { BranchProtectionRuleRaw } from "./protection";

/**
 * One query for the detail of many repositories at once (nodes(ids:)):
 * classic protection, rulesets (their rules and bypass actors are fetched once
 * per distinct ruleset, see rulesets.ts), CODEOWNERS from the three places
 * GitHub looks, workflow files with their text, environments and recent
 * deployments. Every connection is small so the point cost stays low
 * (connectors.md §1.3: ~4 points per 100 repositories).
 */
export const REPO_DETAILS_QUERY = `
query RepoDetails($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Repository {
      id nameWithOwner
      defaultBranchRef { name target { oid } }
      branchProtectionRules(first: 20) {
        totalCount
        nodes {
          pattern isAdminEnforced allowsForcePushes allowsDeletions requiresApprovingReviews requiredApprovingReviewCount
          requiresCodeOwnerReviews dismissesStaleReviews requireLastPushApproval requiresStatusChecks requiresStrictStatusChecks
          requiredStatusCheckContexts requiresCommitSignatures requiresLinearHistory requiresConversationResolution restrictsPushes lockBranch
        }
      }
      rulesets(first: 20, includeParents: true) {
        totalCount
        nodes {
          id databaseId name enforcement target updatedAt
          source { __typename ... on Repository { nameWithOwner } ... on Organization { login } }
          conditions { refName { include exclude } }
        }
      }
      co1: object(expression: "HEAD:.github/CODEOWNERS") { ... on Blob { text byteSize isTruncated } }
      co2: object(expression: "HEAD:CODEOWNERS") { ... on Blob { text byteSize isTruncated } }
      co3: object(expression: "HEAD:docs/CODEOWNERS") { ... on Blob { text byteSize isTruncated } }
      workflows: object(expression: "HEAD:.github/workflows") {
        ... on Tree { entries { name path type object { ... on Blob { oid text byteSize isBinary isTruncated } } } }
      }
      environments(first: 20) { totalCount nodes { id databaseId name } }
      deployments(first: 20, orderBy: {field: CREATED_AT, direction: DESC}) {
        nodes { databaseId environment latestEnvironment state createdAt commitOid ref { name } latestStatus { state createdAt } }
      }
    }
  }
  rateLimit { cost limit remaining resetAt }
}`;

type Blob = { text: string | null; byteSize: number; isTruncated: boolean } | Record<string, never> | null;
export interface RulesetRef {
  id: string; databaseId: number | null; name: string; enforcement: string; target: string | null; updatedAt: string;
  source: { __typename: string; nameWithOwner?: string; login?: string };
  conditions: { refName: { include: string[]; exclude: string[] } | null } | null;
}
export interface DeploymentRaw {
  databaseId: number | null; environment: string | null; latestEnvironment: string | null; state: string | null; createdAt: string;
  commitOid: string; ref: { name: string } | null; latestStatus: { state: string; createdAt: string } | null;
}
export interface RepoDetailsRaw {
  id: string; nameWithOwner: string;
  defaultBranchRef: { name: string; target: { oid: string } | null } | null;
  branchProtectionRules: { totalCount: number; nodes: BranchProtectionRuleRaw[] } | null;
  rulesets: { totalCount: number; nodes: RulesetRef[] } | null;
  co1: Blob; co2: Blob; co3: Blob;
  workflows: { entries?: { name: string; path: string; type: string; object: { oid?: string; text?: string | null; isBinary?: boolean | null; isTruncated?: boolean } | null }[] } | null;
  environments: { totalCount: number; nodes: { id: string; databaseId: number | null; name: string }[] } | null;
  deployments: { nodes: DeploymentRaw[] } | null;
}

export interface DetailsResult {
  details: Map<string, RepoDetailsRaw>;
  /** Fields that came back with an error, per repository node id (e.g. "rulesets"); those parts are unknown. */
  fieldErrors: Map<string, Set<string>>;
  failed: Map<string, string>;
}

/**
 * get: details for `ids`, `batchSize` a query, retried at half the size when a
 * batch keeps timing out (a slow page), down to one repository; a repository
 * that still fails is reported in `failed` and its data left as it was.
 */
export async function fetchRepoDetails(client: GitHubClient, ids: string[], batchSize: number): Promise<DetailsResult> {
  const out: DetailsResult = { details: new Map(), fieldErrors: new Map(), failed: new Map() };
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += batchSize) batches.push(ids.slice(i, i + batchSize));
  const run = async (batch: string[]): Promise<void> => {
    try {
      const res = await client.graphql<{ nodes: (RepoDetailsRaw | null)[] }>("repository-details", REPO_DETAILS_QUERY, { ids: batch });
      (res.data?.nodes ?? []).forEach((n, i) => { if (n?.id) out.details.set(batch[i], n); });
      for (const e of res.errors) {
        const index = e.path?.[1];
        const field = e.path?.[2];
        if (typeof index === "number" && typeof field === "string" && batch[index]) {
          const set = out.fieldErrors.get(batch[index]) ?? new Set<string>();
          set.add(field);
          out.fieldErrors.set(batch[index], set);
        }
      }
      for (const id of batch) if (!out.details.has(id)) out.failed.set(id, "not returned (deleted or not visible)");
    } catch (err) {
      if (stopsRun(err)) throw err;
      if (err instanceof SourceUnavailableError && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await run(batch.slice(0, half));
        await run(batch.slice(half));
        return;
      }
      for (const id of batch) out.failed.set(id, (err as Error).message);
    }
  };
  await Promise.all(batches.map(run));
  return out;
}

export interface Codeowners { path: string; text: string | null; truncated: boolean }

const CODEOWNERS_MAX = 64 * 1024;
/** transform: the CODEOWNERS GitHub uses, the first of .github/, the root, docs/. */
export function codeownersOf(d: RepoDetailsRaw): Codeowners | null {
  const places: [Blob, string][] = [[d.co1, ".github/CODEOWNERS"], [d.co2, "CODEOWNERS"], [d.co3, "docs/CODEOWNERS"]];
  for (const [blob, path] of places) {
    if (blob && "byteSize" in blob) {
      const text = blob.text ?? null;
      return { path, text: text && text.length > CODEOWNERS_MAX ? text.slice(0, CODEOWNERS_MAX) : text, truncated: !!blob.isTruncated || (text?.length ?? 0) > CODEOWNERS_MAX };
    }
  }
  return null;
}
