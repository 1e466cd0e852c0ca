import { type InventoryRepository, describe, stopsRun } from "../core";
import crypto from "node:crypto";
import { type GitHubClient, GqlError } from "./client";

/** Organization repositories, 100 a page, with cheap change signals for incremental runs. */
export const ORG_REPOS_QUERY = `
query OrgRepos($org: String!, $cursor: String, $withOrg: Boolean!) {
  organization(login: $org) {
    id databaseId login url
    requiresTwoFactorAuthentication @include(if: $withOrg)
    viewerCanAdminister @include(if: $withOrg)
    membersCanForkPrivateRepositories @include(if: $withOrg)
    rulesets(first: 50) @include(if: $withOrg) { totalCount nodes { id databaseId name updatedAt } }
    repositories(first: 100, after: $cursor, orderBy: {field: NAME, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id databaseId name nameWithOwner url visibility isArchived isFork isDisabled isEmpty pushedAt updatedAt
        hasVulnerabilityAlertsEnabled
        defaultBranchRef { name }
        alertsAll: vulnerabilityAlerts(first: 1) { totalCount }
        alertsOpen: vulnerabilityAlerts(first: 1, states: [OPEN]) { totalCount }
        environments(first: 1) { totalCount }
        deployments(first: 1) { totalCount }
      }
    }
  }
  rateLimit { cost limit remaining resetAt }
}`;

export interface RepoNodeRaw {
  id: string; databaseId: number | null; name: string; nameWithOwner: string; url: string;
  visibility: "PUBLIC" | "PRIVATE" | "INTERNAL"; isArchived: boolean; isFork: boolean; isDisabled: boolean; isEmpty: boolean;
  pushedAt: string | null; updatedAt: string; hasVulnerabilityAlertsEnabled: boolean;
  defaultBranchRef: { name: string } | null;
  alertsAll: { totalCount: number } | null; alertsOpen: { totalCount: number } | null;
  environments: { totalCount: number } | null; deployments: { totalCount: number } | null;
}

export interface OrgRaw {
  id: string; databaseId: number | null; login: string; url: string;
  requiresTwoFactorAuthentication?: boolean | null; viewerCanAdminister?: boolean; membersCanForkPrivateRepositories?: boolean;
  rulesets?: { totalCount: number; nodes: { id: string; databaseId: number | null; name: string; updatedAt: string }[] } | null;
}

interface OrgReposData {
  organization: (OrgRaw & { repositories: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: (RepoNodeRaw | null)[] } }) | null;
}

/** Our repository row, before load. */
export interface RepoRow extends InventoryRepository {
  settings: { vulnerabilityAlertsEnabled: boolean; github: { databaseId: number | null; disabled: boolean; empty: boolean } };
  /** Changes when anything the detail query reads may have changed. */
  detailSignal: string;
  /** Changes when Dependabot alerts were added, fixed, dismissed or reopened; null when unreadable. */
  dependabotSignal: string | null;
  dependabotAlerts: number | null;
}

export function transformRepository(r: RepoNodeRaw, orgRulesetsSignal: string): RepoRow {
  const detailSignal = hash([r.pushedAt, r.updatedAt, r.defaultBranchRef?.name, r.environments?.totalCount, r.deployments?.totalCount, orgRulesetsSignal].join("|"));
  return {
    externalId: r.id, name: r.name, fullName: r.nameWithOwner, url: r.url, visibility: r.visibility,
    defaultBranch: r.defaultBranchRef?.name ?? null, archived: r.isArchived, fork: r.isFork,
    pushedAt: r.pushedAt ? new Date(r.pushedAt) : null,
    settings: { vulnerabilityAlertsEnabled: r.hasVulnerabilityAlertsEnabled, github: { databaseId: r.databaseId, disabled: r.isDisabled, empty: r.isEmpty } },
    detailSignal,
    dependabotSignal: r.alertsAll && r.alertsOpen ? `${r.alertsAll.totalCount}/${r.alertsOpen.totalCount}` : null,
    dependabotAlerts: r.alertsAll?.totalCount ?? null,
  };
}

export function orgRulesetsSignal(org: OrgRaw): string {
  return hash(JSON.stringify((org.rulesets?.nodes ?? []).map((n) => [n.id, n.updatedAt])));
}

export function hash(s: string): string {
  return crypto.createHash("sha256").update(s).digest("base64url").slice(0, 16);
}

export interface RepoListing {
  org: OrgRaw | null;
  repos: RepoRow[];
  /** Every page was read: only then may repositories missing from it be marked gone. */
  complete: boolean;
  errors: string[];
  /** Set when a rate-limit stop (or shutdown) ended the listing: no further request may be made. */
  stopped: string | null;
}

/** get: pages through the organization's repositories. Throws when the organization itself cannot be read. */
export async function listRepositories(client: GitHubClient, org: string, onError: (e: unknown) => void): Promise<RepoListing> {
  const out: RepoListing = { org: null, repos: [], complete: false, errors: [], stopped: null };
  let cursor: string | null = null;
  let rulesetsSignal = "";
  for (let page = 0; ; page++) {
    let res: { data: OrgReposData | null; errors: GqlError[] };
    try {
      res = await client.graphql<OrgReposData>("repositories", ORG_REPOS_QUERY, { org, cursor, withOrg: page === 0 });
    } catch (err) {
      if (page === 0) throw err;
      if (stopsRun(err)) out.stopped = describe(err);
      else onError(err);
      return out;
    }
    const o = res.data?.organization;
    if (!o) throw new Error(`organization "${org}" not found or not visible to these credentials${res.errors[0] ? `: ${res.errors[0].message}` : ""}`);
    if (page === 0) {
      const { repositories: _r, ...orgInfo } = o;
      out.org = orgInfo;
      rulesetsSignal = orgRulesetsSignal(orgInfo);
    }
    // Per-repository field errors (e.g. Dependabot alerts hidden) leave that field null; the rest is usable.
    for (const e of res.errors) if (e.type !== "FORBIDDEN" && e.type !== "NOT_FOUND") out.errors.push(`repositories: ${e.message}`.slice(0, 300));
    for (const n of o.repositories.nodes) if (n) out.repos.push(transformRepository(n, rulesetsSignal));
    if (!o.repositories.pageInfo.hasNextPage) { out.complete = true; return out; }
    cursor = o.repositories.pageInfo.endCursor;
  }
}
