/**
 * A generated GitHub organization for the fake: repositories with protection,
 * rulesets, CODEOWNERS, workflows, environments, deployments and the three
 * kinds of alerts, in the shapes GitHub's GraphQL and REST APIs answer with.
 * Deterministic for a seed.
 */
export interface FakeOptions { org: string; repos: number; seed?: number; dependabotAlerts?: number; codeScanningAlerts?: number; secretScanningAlerts?: number }

import { mulberry32 as rng } from "../../../src/common/random";
export { rng };

export const SHA = (n: number) => (n.toString(16).padStart(8, "0")).repeat(5);
const T0 = Date.parse("2025-06-01T00:00:00Z");
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface FakeRepo {
  __typename: "Repository"; id: string; databaseId: number; name: string; nameWithOwner: string; url: string; visibility: string;
  isArchived: boolean; isFork: boolean; isDisabled: boolean; isEmpty: boolean; pushedAt: string; updatedAt: string; hasVulnerabilityAlertsEnabled: boolean;
  defaultBranchRef: { name: string; target: { __typename: "Commit"; oid: string } } | null;
  branchProtectionRules: Record<string, unknown>[]; repoRulesets: Record<string, unknown>[];
  files: Map<string, string>; environments: Record<string, unknown>[]; deployments: Record<string, unknown>[];
  vulnerabilityAlerts: Record<string, any>[];
}

export interface FakeOrg {
  login: string; id: string; rulesets: Record<string, unknown>[]; repos: FakeRepo[];
  advisories: Map<string, { ghsaId: string; cwes: { cweId: string }[]; cve: string; summary: string }>;
  codeScanning: Record<string, any>[]; secretScanning: Record<string, any>[];
  settings: Record<string, any>; secrets: { name: string; visibility: string }[]; admins: string[];
  /** A secret value the fake serves unless hide_secret=true: it must never be stored. */
  secretValue: string;
  clock: number;
}

const WORKFLOWS = {
  ci: `name: CI
on: [push, pull_request]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@${SHA(7)}
      - run: npm ci && npm test
`,
  deploy: `name: Deploy
on:
  push:
    branches: [main]
  workflow_dispatch: {}
jobs:
  deploy:
    runs-on: [self-hosted, linux]
    environment: production
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: actions/checkout@${SHA(9)}
      - uses: azure/login@v2
      - run: ./deploy.sh "\${{ github.sha }}"
  reuse:
    uses: acme/shared/.github/workflows/release.yml@main
`,
  triage: `name: Triage
on:
  issues:
    types: [opened]
  pull_request_target: {}
jobs:
  label:
    runs-on: ubuntu-22.04
    steps:
      - run: echo "New issue \${{ github.event.issue.title }}"
      - uses: actions/github-script@v7
        with:
          script: console.log("\${{ github.event.pull_request.body }}")
`,
};

export function generateOrg(o: FakeOptions): FakeOrg {
  const r = rng(o.seed ?? 42);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const org: FakeOrg = {
    login: o.org, id: "O_kgDOfake", repos: [], advisories: new Map(), codeScanning: [], secretScanning: [],
    settings: { login: o.org, members_can_create_public_repositories: false, two_factor_requirement_enabled: true, default_repository_permission: "read", secret_scanning_push_protection_enabled_for_new_repositories: true },
    secrets: [{ name: "NPM_TOKEN", visibility: "all" }, { name: "AZURE_CREDENTIALS", visibility: "private" }, { name: "SLACK_HOOK", visibility: "selected" }],
    admins: ["alice", "bob"], secretValue: "ghp_" + "S3CR3TV4LU3".repeat(3), clock: T0,
    rulesets: [
      { __typename: "RepositoryRuleset", id: "RRS_org_1", databaseId: 9001, name: "default-branch", enforcement: "ACTIVE", target: "BRANCH", updatedAt: iso(T0),
        source: { __typename: "Organization", login: o.org }, conditions: { refName: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
        bypassActors: [{ __typename: "RepositoryRulesetBypassActor", bypassMode: "ALWAYS", organizationAdmin: true, deployKey: false, repositoryRoleName: null, actor: null }],
        rules: [{ __typename: "RepositoryRule", type: "PULL_REQUEST", parameters: { __typename: "PullRequestParameters", requiredApprovingReviewCount: 1, requireCodeOwnerReview: false, dismissStaleReviewsOnPush: true, requireLastPushApproval: false, requiredReviewThreadResolution: false } },
          { __typename: "RepositoryRule", type: "NON_FAST_FORWARD", parameters: null }] },
      { __typename: "RepositoryRuleset", id: "RRS_org_2", databaseId: 9002, name: "signed-commits-trial", enforcement: "EVALUATE", target: "BRANCH", updatedAt: iso(T0),
        source: { __typename: "Organization", login: o.org }, conditions: { refName: { include: ["~ALL"], exclude: [] } }, bypassActors: [],
        rules: [{ __typename: "RepositoryRule", type: "REQUIRED_SIGNATURES", parameters: null }] },
    ],
  };
  for (let a = 0; a < 200; a++) {
    const ghsaId = `GHSA-${(a + 1000).toString(36).padStart(4, "x")}-mock-${(a * 7 + 1111).toString(36).slice(-4).padStart(4, "q")}`;
    org.advisories.set(ghsaId, { ghsaId, cve: `CVE-2024-${10000 + a}`, summary: `Prototype pollution in package-${a}`, cwes: [{ cweId: `CWE-${[79, 89, 1321, 400, 22][a % 5]}` }] });
  }
  const advisories = [...org.advisories.values()];
  for (let i = 0; i < o.repos; i++) {
    const name = `svc-${String(i).padStart(4, "0")}`;
    const empty = i === 7;
    const branch = i % 10 === 3 ? "master" : "main";
    const repo: FakeRepo = {
      __typename: "Repository", id: `R_kgDO${String(i).padStart(6, "0")}`, databaseId: 100000 + i, name, nameWithOwner: `${o.org}/${name}`,
      url: `https://github.com/${o.org}/${name}`, visibility: pick(["PRIVATE", "PRIVATE", "PRIVATE", "INTERNAL", "PUBLIC"]),
      isArchived: i % 20 === 19, isFork: i % 25 === 24, isDisabled: false, isEmpty: empty, pushedAt: iso(T0 - i * 3600_000), updatedAt: iso(T0 - i * 3600_000),
      hasVulnerabilityAlertsEnabled: i % 9 !== 8, defaultBranchRef: empty ? null : { name: branch, target: { __typename: "Commit", oid: SHA(i + 1) } },
      branchProtectionRules: [], repoRulesets: [], files: new Map(), environments: [], deployments: [], vulnerabilityAlerts: [],
    };
    if (!empty && i % 2 === 0) repo.branchProtectionRules.push(bpr(i % 4 === 0 ? branch : "ma*", i % 8 === 0 ? 2 : 1, i % 4 === 0));
    if (!empty && i % 10 === 1) repo.repoRulesets.push({
      __typename: "RepositoryRuleset", id: `RRS_repo_${i}`, databaseId: 20000 + i, name: "repo-strict", enforcement: "ACTIVE", target: "BRANCH", updatedAt: iso(T0),
      source: { __typename: "Repository", nameWithOwner: repo.nameWithOwner }, conditions: { refName: { include: [`refs/heads/${branch}`], exclude: [] } }, bypassActors: [],
      rules: [{ __typename: "RepositoryRule", type: "REQUIRED_STATUS_CHECKS", parameters: { __typename: "RequiredStatusChecksParameters", strictRequiredStatusChecksPolicy: true, requiredStatusChecks: [{ context: "ci/test", integrationId: null }] } },
        { __typename: "RepositoryRule", type: "DELETION", parameters: null }],
    });
    if (!empty) {
      const co = i % 10 < 4 ? ".github/CODEOWNERS" : i % 10 < 6 ? "CODEOWNERS" : i % 10 < 7 ? "docs/CODEOWNERS" : null;
      if (co) repo.files.set(co, `* @${o.org}/team-${i % 5}\n/infra/ @${o.org}/platform\n`);
      repo.files.set(".github/workflows/ci.yml", WORKFLOWS.ci);
      if (i % 3 === 0) repo.files.set(".github/workflows/deploy.yml", WORKFLOWS.deploy);
      if (i % 10 === 5) repo.files.set(".github/workflows/triage.yaml", WORKFLOWS.triage);
      repo.files.set(".github/workflows/README.md", "not a workflow");
    }
    if (!empty && i % 3 === 0) {
      for (const [k, env] of ["staging", "production"].entries()) {
        repo.environments.push({ __typename: "Environment", id: `EN_${i}_${k}`, databaseId: 50000 + i * 2 + k, name: env,
          protectionRules: env === "production" ? [{ __typename: "DeploymentProtectionRule", type: "REQUIRED_REVIEWERS", timeout: 0, preventSelfReview: true }, { __typename: "DeploymentProtectionRule", type: "WAIT_TIMER", timeout: 30, preventSelfReview: null }] : [] });
      }
      for (let d = 0; d < 3; d++) {
        const envName = d === 0 ? "staging" : "production";
        repo.deployments.push({ __typename: "Deployment", databaseId: 700000 + i * 10 + d, environment: envName, latestEnvironment: envName, state: d === 2 ? "ACTIVE" : "INACTIVE",
          createdAt: iso(T0 - (i * 10 + (3 - d)) * 60_000), commitOid: SHA(i * 10 + d), ref: { __typename: "Ref", name: branch }, latestStatus: { state: "SUCCESS", createdAt: iso(T0) } });
      }
      repo.deployments.reverse();
    }
    org.repos.push(repo);
  }
  const live = org.repos.filter((x) => !x.isEmpty);
  const dep = o.dependabotAlerts ?? o.repos * 2;
  const alertable = live.filter((x) => x.hasVulnerabilityAlertsEnabled);
  for (let n = 0; n < dep; n++) {
    const repo = alertable[Math.floor(r() * r() * alertable.length)];
    const adv = pick(advisories);
    const state = pick(["OPEN", "OPEN", "OPEN", "FIXED", "DISMISSED"]);
    repo.vulnerabilityAlerts.push(dependabotAlert(repo.vulnerabilityAlerts.length + 1, adv, state, pick(["RUNTIME", "DEVELOPMENT"])));
  }
  const cs = o.codeScanningAlerts ?? o.repos;
  const perRepo = new Map<string, number>();
  for (let n = 0; n < cs; n++) {
    const repo = live[Math.floor(r() * live.length)];
    const num = (perRepo.get(repo.name) ?? 0) + 1;
    perRepo.set(repo.name, num);
    org.codeScanning.push(codeScanningAlert(repo, num, pick(["open", "open", "dismissed", "fixed"]), org.clock - n * 1000));
  }
  const ss = o.secretScanningAlerts ?? Math.ceil(o.repos / 3);
  const perRepoS = new Map<string, number>();
  for (let n = 0; n < ss; n++) {
    const repo = live[Math.floor(r() * live.length)];
    const num = (perRepoS.get(repo.name) ?? 0) + 1;
    perRepoS.set(repo.name, num);
    org.secretScanning.push(secretAlert(repo, num, pick(["open", "open", "resolved"]), org.clock - n * 1000, org.secretValue));
  }
  return org;
}

function bpr(pattern: string, reviews: number, adminEnforced: boolean) {
  return { __typename: "BranchProtectionRule", pattern, isAdminEnforced: adminEnforced, allowsForcePushes: false, allowsDeletions: false, requiresApprovingReviews: true,
    requiredApprovingReviewCount: reviews, requiresCodeOwnerReviews: reviews > 1, dismissesStaleReviews: true, requireLastPushApproval: false, requiresStatusChecks: true,
    requiresStrictStatusChecks: false, requiredStatusCheckContexts: ["build"], requiresCommitSignatures: false, requiresLinearHistory: false,
    requiresConversationResolution: false, restrictsPushes: false, lockBranch: false };
}

export function dependabotAlert(number: number, adv: { ghsaId: string; cve: string; summary: string }, state: string, scope: string) {
  return { __typename: "RepositoryVulnerabilityAlert", number, state, createdAt: iso(T0 - number * 86400_000), fixedAt: state === "FIXED" ? iso(T0) : null,
    dismissedAt: state === "DISMISSED" ? iso(T0) : null, dismissReason: state === "DISMISSED" ? "tolerable_risk" : null, dismissComment: state === "DISMISSED" ? "behind the VPN" : null,
    autoDismissedAt: null, dependencyScope: scope, vulnerableManifestPath: "package-lock.json", vulnerableRequirements: "= 4.17.20",
    securityVulnerability: { severity: ["LOW", "MODERATE", "HIGH", "CRITICAL"][number % 4], vulnerableVersionRange: "< 4.17.21", firstPatchedVersion: { identifier: "4.17.21" }, package: { ecosystem: "NPM", name: "lodash" } },
    securityAdvisory: { __typename: "SecurityAdvisory", ghsaId: adv.ghsaId, summary: adv.summary, permalink: `https://github.com/advisories/${adv.ghsaId}`, severity: "HIGH",
      cvssSeverities: { cvssV3: { score: 7.5, vectorString: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N" } }, identifiers: [{ type: "GHSA", value: adv.ghsaId }, { type: "CVE", value: adv.cve }] } };
}

export function codeScanningAlert(repo: FakeRepo, number: number, state: string, at: number) {
  return { number, created_at: iso(at - 86400_000), updated_at: iso(at), url: `${repo.url}/code-scanning/alerts/${number}`, html_url: `${repo.url}/security/code-scanning/${number}`, state,
    fixed_at: state === "fixed" ? iso(at) : null, dismissed_at: state === "dismissed" ? iso(at) : null, dismissed_reason: state === "dismissed" ? "false positive" : null,
    dismissed_comment: state === "dismissed" ? "sanitised upstream" : null,
    rule: { id: "js/sql-injection", name: "SqlInjection", severity: "error", security_severity_level: "high", description: "Database query built from user-controlled sources", tags: ["security", "external/cwe/cwe-089"], help_uri: null },
    tool: { name: "CodeQL", version: "2.20.1", guid: null },
    most_recent_instance: { ref: "refs/heads/main", analysis_key: ".github/workflows/codeql.yml:analyze", category: "/language:javascript", state, commit_sha: SHA(number), message: { text: "This query depends on a user-provided value." },
      location: { path: `src/db/query${number}.js`, start_line: 10 + number, end_line: 10 + number, start_column: 5, end_column: 40 }, classifications: [] },
    repository: { id: repo.databaseId, node_id: repo.id, name: repo.name, full_name: repo.nameWithOwner } };
}

export function secretAlert(repo: FakeRepo, number: number, state: string, at: number, secret: string) {
  return { number, created_at: iso(at - 86400_000), updated_at: iso(at), html_url: `${repo.url}/security/secret-scanning/${number}`, state,
    resolution: state === "resolved" ? "revoked" : null, resolved_at: state === "resolved" ? iso(at) : null, resolution_comment: null,
    secret_type: "github_personal_access_token", secret_type_display_name: "GitHub Personal Access Token", provider: "GitHub", secret,
    validity: "active", publicly_leaked: false, multi_repo: false, push_protection_bypassed: false, has_more_locations: false,
    first_location_detected: { path: "config/settings.py", start_line: 3, end_line: 3, start_column: 12, end_column: 52, commit_sha: SHA(number + 99) },
    repository: { id: repo.databaseId, node_id: repo.id, name: repo.name, full_name: repo.nameWithOwner } };
}
