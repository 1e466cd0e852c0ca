import { FindingCategory, FindingState, Severity } from "../../common/types";
import type { GitHubClient } from "./client";
import { stopsRun } from "../core";
import type { FindingInput, RuleInput } from "./finding-types";

export const DEPENDABOT_CATEGORY = "github:dependabot";

const ALERT_FIELDS = `
  number state createdAt fixedAt dismissedAt dismissReason dismissComment autoDismissedAt dependencyScope
  vulnerableManifestPath vulnerableRequirements
  securityVulnerability { severity vulnerableVersionRange firstPatchedVersion { identifier } package { ecosystem name } }
  securityAdvisory { ghsaId summary permalink severity cvssSeverities { cvssV3 { score vectorString } } identifiers { type value } }`;

/** All states (open, fixed, dismissed, auto-dismissed) of many repositories' alerts, 25 repositories a query. */
export const DEPENDABOT_QUERY = `
query DependabotAlerts($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Repository {
      id
      vulnerabilityAlerts(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { ${ALERT_FIELDS} } }
    }
  }
  rateLimit { cost limit remaining resetAt }
}`;

export const DEPENDABOT_PAGE_QUERY = `
query DependabotAlertsPage($id: ID!, $cursor: String) {
  node(id: $id) {
    ... on Repository {
      id
      vulnerabilityAlerts(first: 100, after: $cursor) { totalCount pageInfo { hasNextPage endCursor } nodes { ${ALERT_FIELDS} } }
    }
  }
  rateLimit { cost limit remaining resetAt }
}`;

/** CWEs are a connection per advisory: fetched once per advisory (and remembered), not once per alert. */
export function cweQuery(n: number): string {
  const vars = Array.from({ length: n }, (_, i) => `$g${i}: String!`).join(", ");
  const fields = Array.from({ length: n }, (_, i) => `a${i}: securityAdvisory(ghsaId: $g${i}) { ghsaId cwes(first: 10) { nodes { cweId } } }`).join("\n  ");
  return `query AdvisoryCwes(${vars}) {\n  ${fields}\n  rateLimit { cost limit remaining resetAt }\n}`;
}

export interface DependabotAlertRaw {
  number: number; state: "OPEN" | "FIXED" | "DISMISSED" | "AUTO_DISMISSED"; createdAt: string; fixedAt: string | null;
  dismissedAt: string | null; dismissReason: string | null; dismissComment: string | null; autoDismissedAt: string | null;
  dependencyScope: "RUNTIME" | "DEVELOPMENT" | null; vulnerableManifestPath: string; vulnerableRequirements: string | null;
  securityVulnerability: { severity: string; vulnerableVersionRange: string; firstPatchedVersion: { identifier: string } | null; package: { ecosystem: string; name: string } } | null;
  securityAdvisory: { ghsaId: string; summary: string; permalink: string; severity: string; cvssSeverities: { cvssV3: { score: number; vectorString: string | null } | null } | null; identifiers: { type: string; value: string }[] } | null;
}

type Conn = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: DependabotAlertRaw[] };

export interface DependabotFetch {
  /** Alerts per repository node id; present only when every page was read (a complete scope). */
  complete: Map<string, DependabotAlertRaw[]>;
  failed: Map<string, string>;
}

/** get: every alert of each repository; a repository is complete only when all its pages came back. */
export async function fetchDependabotAlerts(client: GitHubClient, ids: string[], batchSize = 25): Promise<DependabotFetch> {
  const out: DependabotFetch = { complete: new Map(), failed: new Map() };
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += batchSize) batches.push(ids.slice(i, i + batchSize));
  await Promise.all(batches.map(async (batch) => {
    let res;
    try {
      res = await client.graphql<{ nodes: ({ id: string; vulnerabilityAlerts: Conn | null } | null)[] }>("dependabot-alerts", DEPENDABOT_QUERY, { ids: batch });
    } catch (err) {
      if (stopsRun(err)) throw err;
      for (const id of batch) out.failed.set(id, (err as Error).message);
      return;
    }
    const failedIdx = new Map<number, string>();
    for (const e of res.errors) if (typeof e.path?.[1] === "number") failedIdx.set(e.path[1], `${e.type ?? "ERROR"}: ${e.message}`);
    await Promise.all(batch.map(async (id, i) => {
      const conn = res.data?.nodes?.[i]?.vulnerabilityAlerts;
      if (!conn || failedIdx.has(i)) { out.failed.set(id, failedIdx.get(i) ?? "alerts not readable"); return; }
      const alerts = [...conn.nodes];
      let page = conn.pageInfo;
      try {
        while (page.hasNextPage) {
          const more = await client.graphql<{ node: { vulnerabilityAlerts: Conn | null } | null }>("dependabot-alerts", DEPENDABOT_PAGE_QUERY, { id, cursor: page.endCursor });
          const c = more.data?.node?.vulnerabilityAlerts;
          if (!c) throw new Error(more.errors[0]?.message ?? "alerts page not readable");
          alerts.push(...c.nodes);
          page = c.pageInfo;
        }
        out.complete.set(id, alerts);
      } catch (err) {
        if (stopsRun(err)) throw err;
        out.failed.set(id, (err as Error).message);
      }
    }));
  }));
  return out;
}

/** get: CWE ids for advisories not yet known, 50 a query. */
export async function fetchAdvisoryCwes(client: GitHubClient, ghsaIds: string[], onError: (e: unknown) => void): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const ids = [...new Set(ghsaIds)];
  for (let i = 0; i < ids.length; i += 50) {
    const batch = ids.slice(i, i + 50);
    const vars = Object.fromEntries(batch.map((g, j) => [`g${j}`, g]));
    try {
      const res = await client.graphql<Record<string, { ghsaId: string; cwes: { nodes: { cweId: string }[] } } | null>>("advisories", cweQuery(batch.length), vars);
      for (const [k, v] of Object.entries(res.data ?? {})) if (k.startsWith("a") && v?.ghsaId) out.set(v.ghsaId, v.cwes.nodes.map((c) => c.cweId));
    } catch (err) {
      if (stopsRun(err)) throw err;
      onError(err);
    }
  }
  return out;
}

const SEVERITY: Record<string, Severity> = { CRITICAL: Severity.CRITICAL, HIGH: Severity.HIGH, MODERATE: Severity.MEDIUM, MEDIUM: Severity.MEDIUM, LOW: Severity.LOW };

/** transform: one Dependabot alert → a finding whose state follows GitHub's. */
export function dependabotFinding(a: DependabotAlertRaw, cwes: string[]): FindingInput {
  const adv = a.securityAdvisory;
  const vuln = a.securityVulnerability;
  const cve = adv?.identifiers.find((i) => i.type === "CVE")?.value ?? null;
  const sourceState =
    a.state === "FIXED" ? { state: FindingState.FIXED, at: a.fixedAt ? new Date(a.fixedAt) : null }
    : a.state === "DISMISSED" ? { state: FindingState.DISMISSED, dismissReason: a.dismissReason, dismissComment: a.dismissComment, at: a.dismissedAt ? new Date(a.dismissedAt) : null }
    : a.state === "AUTO_DISMISSED" ? { state: FindingState.DISMISSED, dismissReason: "auto_dismissed", dismissComment: null, at: a.autoDismissedAt ? new Date(a.autoDismissedAt) : null }
    : { state: FindingState.OPEN };
  const pkg = vuln?.package.name ?? null;
  return {
    fingerprint: `gh-alert:${a.number}`, category: FindingCategory.DEPENDENCY,
    severity: SEVERITY[vuln?.severity ?? adv?.severity ?? ""] ?? Severity.MEDIUM,
    title: adv?.summary ?? `Vulnerable dependency ${pkg ?? ""}`.trim(), message: adv ? `${adv.summary} (${pkg} ${vuln?.vulnerableVersionRange ?? ""})`.trim() : null,
    ruleId: adv?.ghsaId ?? `dependabot-${a.number}`, tool: "dependabot", toolVersion: null,
    path: a.vulnerableManifestPath || null, startLine: null, endLine: null, startColumn: null, endColumn: null, snippet: null,
    vulnerabilityId: cve ?? adv?.ghsaId ?? null, cwes, cvssScore: adv?.cvssSeverities?.cvssV3?.score || null,
    cvssVector: adv?.cvssSeverities?.cvssV3?.vectorString ?? null, packageName: pkg,
    packageVersion: a.vulnerableRequirements?.replace(/^=\s*/, "") ?? null, fixedVersion: vuln?.firstPatchedVersion?.identifier ?? null,
    details: {
      alertNumber: a.number, ecosystem: vuln?.package.ecosystem ?? null, dependencyScope: a.dependencyScope?.toLowerCase() ?? null,
      ghsaId: adv?.ghsaId ?? null, url: adv?.permalink ?? null, githubState: a.state,
    },
    sourceState,
  };
}

export function dependabotRule(a: DependabotAlertRaw): RuleInput | null {
  const adv = a.securityAdvisory;
  if (!adv) return null;
  return { tool: "dependabot", ruleId: adv.ghsaId, name: adv.summary, shortDescription: adv.summary, fullDescription: null, helpText: null, helpUri: adv.permalink, tags: ["security", "dependency"], securitySeverity: adv.cvssSeverities?.cvssV3?.score || null };
}
