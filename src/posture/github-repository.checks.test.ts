import { test } from "node:test";
import assert from "node:assert/strict";
import { BranchProtectionRuleRaw, BypassActor, effectiveProtection, RulesetRaw } from "../connectors/github/protection";
import { parseWorkflow } from "../connectors/github/workflows";
import { gitHubRepositoryTarget, GitHubPipelineRow } from "../connectors/github/settings.transform";
import type { OrgSettings } from "../connectors/github/org-settings";
import type { CheckOutcome, CheckStatus } from "./check.types";
import type { RepositoryTarget } from "./targets";
import { githubRepositoryChecks } from "./github-repository.checks";

// Targets are built the way the integrator will: stored shapes through the GitHub transform.
const rule = (over: Partial<BranchProtectionRuleRaw> = {}): BranchProtectionRuleRaw => ({
  pattern: "main", isAdminEnforced: false, allowsForcePushes: false, allowsDeletions: true, requiresApprovingReviews: true, requiredApprovingReviewCount: 1,
  requiresCodeOwnerReviews: false, dismissesStaleReviews: false, requireLastPushApproval: false, requiresStatusChecks: false, requiresStrictStatusChecks: false,
  requiredStatusCheckContexts: [], requiresCommitSignatures: false, requiresLinearHistory: false, requiresConversationResolution: false, restrictsPushes: false, lockBranch: false, ...over,
});
const ruleset = (over: Partial<RulesetRaw> = {}): RulesetRaw => ({
  id: "r1", databaseId: 1, name: "protect-main", enforcement: "ACTIVE", target: "BRANCH", source: "org:acme", include: ["~DEFAULT_BRANCH"], exclude: [],
  rules: [
    { type: "PULL_REQUEST", parameters: { requiredApprovingReviewCount: 2, requireCodeOwnerReview: true, dismissStaleReviewsOnPush: true } },
    { type: "REQUIRED_STATUS_CHECKS", parameters: { requiredStatusChecks: [{ context: "ci/build" }] } },
    { type: "NON_FAST_FORWARD", parameters: null }, { type: "DELETION", parameters: null },
  ],
  bypassActors: [], ...over,
});
const writeRole: BypassActor = { bypassMode: "ALWAYS", organizationAdmin: false, deployKey: false, repositoryRoleName: "write", actor: null };
const stored = (...args: Parameters<typeof effectiveProtection>) => JSON.parse(JSON.stringify(effectiveProtection(...args)));

const P = {
  orgRuleset: stored("main", [], [ruleset()]),
  evaluateOnly: stored("main", [], [ruleset({ enforcement: "EVALUATE" })]),
  none: stored("main", [], []),
  writeBypass: stored("main", [], [ruleset({ bypassActors: [writeRole] })]),
  unreadBypass: stored("main", [], [ruleset({ bypassActors: null })]),
  classic: stored("main", [rule({ allowsForcePushes: true })], []),
  classicStatusNoContexts: stored("main", [rule({ requiresStatusChecks: true })], []),
  classicRulesetsUnread: stored("main", [rule()], null),
  unreadable: stored("main", null, null),
  empty: stored(null, [], []),
};
const CODEOWNERS = { path: ".github/CODEOWNERS", text: "* @acme/platform\n", truncated: false };

function repo(protection: unknown, over: { settings?: Record<string, unknown>; visibility?: string; workflows?: GitHubPipelineRow[]; orgSettings?: Partial<OrgSettings>; signals?: Record<string, number> } = {}): RepositoryTarget {
  return gitHubRepositoryTarget("acme", {
    row: { fullName: "acme/api", visibility: over.visibility ?? "PRIVATE", archived: false, defaultBranch: "main", settings: { protection, codeowners: CODEOWNERS, vulnerabilityAlertsEnabled: true, ...over.settings } },
    workflows: over.workflows, signals: over.signals,
  }, over.orgSettings);
}
const wf = (text: string): GitHubPipelineRow => ({ name: "ci", path: ".github/workflows/ci.yml", triggers: [], definition: parseWorkflow(".github/workflows/ci.yml", text).definition });
const selfHosted = wf("on: pull_request\njobs:\n  t:\n    runs-on: [self-hosted]\n    steps: [{ run: make }]\n");
const hosted = wf("on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{ run: make }]\n");
const sa = (key: string, status: string) => ({ securityAndAnalysis: { [key]: { status } } });

type Case = [checkId: string, label: string, target: RepositoryTarget, status: CheckStatus, assertions?: (o: CheckOutcome) => void];
const cases: Case[] = [
  ["github.repo.branch-protected", "organization ruleset only", repo(P.orgRuleset), "PASS", (o) => assert.deepEqual(o.evidence?.sources, ["ruleset:org:acme:protect-main"])],
  ["github.repo.branch-protected", "write-role bypass still protects others; evidence says broad", repo(P.writeBypass), "PASS", (o) => assert.equal(o.evidence?.broadBypass, true)],
  ["github.repo.branch-protected", "evaluate mode only", repo(P.evaluateOnly), "FAIL", (o) => assert.deepEqual(o.evidence?.evaluateOnly, ["org:acme:protect-main"])],
  ["github.repo.branch-protected", "nothing", repo(P.none), "FAIL"],
  ["github.repo.branch-protected", "token could not read", repo(P.unreadable), "UNKNOWN", (o) => assert.match((o as { reason: string }).reason, /could not read branch protection rules, rulesets/)],
  ["github.repo.branch-protected", "never synced", repo(undefined), "UNKNOWN", (o) => assert.match((o as { reason: string }).reason, /not synced yet/)],
  ["github.repo.branch-protected", "empty repository", repo(P.empty), "UNKNOWN", (o) => assert.match((o as { reason: string }).reason, /no default branch/)],
  ["github.repo.force-push-blocked", "ruleset", repo(P.orgRuleset), "PASS"],
  ["github.repo.force-push-blocked", "classic allows", repo(P.classic), "FAIL"],
  ["github.repo.force-push-blocked", "unreadable", repo(P.unreadable), "UNKNOWN"],
  ["github.repo.deletion-blocked", "ruleset", repo(P.orgRuleset), "PASS"],
  ["github.repo.deletion-blocked", "evaluate only", repo(P.evaluateOnly), "FAIL"],
  ["github.repo.deletion-blocked", "unreadable", repo(P.unreadable), "UNKNOWN"],
  ["github.repo.required-reviews", "2 approvals", repo(P.orgRuleset), "PASS", (o) => assert.equal(o.evidence?.minApprovals, 2)],
  ["github.repo.required-reviews", "1 approval", repo(P.classic), "FAIL", (o) => assert.equal(o.evidence?.required, 2)],
  ["github.repo.required-reviews", "1 approval while rulesets unreadable may be short", repo(P.classicRulesetsUnread), "UNKNOWN"],
  ["github.repo.required-reviews", "unreadable", repo(P.unreadable), "UNKNOWN"],
  ["github.repo.stale-reviews-dismissed", "ruleset", repo(P.orgRuleset), "PASS"],
  ["github.repo.stale-reviews-dismissed", "classic without", repo(P.classic), "FAIL"],
  ["github.repo.stale-reviews-dismissed", "unreadable", repo(P.unreadable), "UNKNOWN"],
  ["github.repo.code-owner-review", "required", repo(P.orgRuleset), "PASS"],
  ["github.repo.code-owner-review", "no CODEOWNERS file", repo(P.classic, { settings: { codeowners: null } }), "PASS", (o) => assert.equal(o.evidence?.codeowners, "no CODEOWNERS file")],
  ["github.repo.code-owner-review", "CODEOWNERS not enforced", repo(P.classic), "FAIL"],
  ["github.repo.code-owner-review", "CODEOWNERS not read", repo(P.classic, { settings: { codeowners: undefined } }), "UNKNOWN"],
  ["github.repo.code-owner-review", "protection unreadable", repo(P.unreadable), "UNKNOWN"],
  ["github.repo.status-checks-required", "ruleset", repo(P.orgRuleset), "PASS", (o) => assert.deepEqual(o.evidence?.requiredChecks, ["ci/build"])],
  ["github.repo.status-checks-required", "none", repo(P.classic), "FAIL"],
  ["github.repo.status-checks-required", "required but none named", repo(P.classicStatusNoContexts), "FAIL"],
  ["github.repo.status-checks-required", "unreadable", repo(P.unreadable), "UNKNOWN"],
  ["github.repo.admins-enforced", "no bypass", repo(P.orgRuleset), "PASS"],
  ["github.repo.admins-enforced", "write-role bypass", repo(P.writeBypass), "FAIL", (o) => {
    assert.equal(o.evidence?.broadBypass, true);
    assert.deepEqual(o.evidence?.bypassActors, [{ kind: "repository-role", name: "write", mode: "ALWAYS", broad: true }]);
  }],
  ["github.repo.admins-enforced", "classic not enforced for admins", repo(P.classic), "FAIL"],
  ["github.repo.admins-enforced", "bypass list unreadable", repo(P.unreadBypass), "UNKNOWN"],
  ["github.repo.secret-scanning", "enabled", repo(P.none, { settings: sa("secret_scanning", "enabled") }), "PASS"],
  ["github.repo.secret-scanning", "disabled", repo(P.none, { settings: sa("secret_scanning", "disabled") }), "FAIL"],
  ["github.repo.secret-scanning", "not stored", repo(P.none), "UNKNOWN"],
  ["github.repo.push-protection", "enabled", repo(P.none, { settings: sa("secret_scanning_push_protection", "enabled") }), "PASS"],
  ["github.repo.push-protection", "disabled", repo(P.none, { settings: sa("secret_scanning_push_protection", "disabled") }), "FAIL"],
  ["github.repo.push-protection", "not stored", repo(P.none), "UNKNOWN"],
  ["github.repo.code-scanning", "alerts present", repo(P.none, { signals: { codeScanningAlerts: 4 } }), "PASS"],
  ["github.repo.code-scanning", "off", repo(P.none, { settings: { codeScanning: false } }), "FAIL"],
  ["github.repo.code-scanning", "nothing readable", repo(P.none, { signals: { codeScanningAlerts: 0 } }), "UNKNOWN"],
  ["github.repo.dependabot-alerts", "enabled", repo(P.none), "PASS"],
  ["github.repo.dependabot-alerts", "off, read by an admin", repo(P.none, { settings: { vulnerabilityAlertsEnabled: false }, orgSettings: { viewerCanAdminister: true } }), "FAIL"],
  ["github.repo.dependabot-alerts", "off, read without admin", repo(P.none, { settings: { vulnerabilityAlertsEnabled: false }, orgSettings: { viewerCanAdminister: false } }), "UNKNOWN"],
  ["github.repo.codeowners-valid", "valid", repo(P.none), "PASS"],
  ["github.repo.codeowners-valid", "missing", repo(P.none, { settings: { codeowners: null } }), "FAIL"],
  ["github.repo.codeowners-valid", "errors", repo(P.none, { settings: { codeowners: { ...CODEOWNERS, text: "* platform\n" } } }), "FAIL", (o) => assert.equal((o.evidence?.errors as string[]).length, 1)],
  ["github.repo.codeowners-valid", "not read", repo(P.none, { settings: { codeowners: undefined } }), "UNKNOWN"],
  ["github.repo.codeowners-valid", "truncated", repo(P.none, { settings: { codeowners: { ...CODEOWNERS, truncated: true } } }), "UNKNOWN"],
  ["github.repo.public-self-hosted-runner", "public, self-hosted", repo(P.none, { visibility: "PUBLIC", workflows: [hosted, selfHosted] }), "FAIL",
    (o) => assert.deepEqual(o.evidence?.selfHostedJobs, [{ workflow: ".github/workflows/ci.yml", job: "t", runsOn: ["self-hosted"] }])],
  ["github.repo.public-self-hosted-runner", "private, self-hosted", repo(P.none, { workflows: [selfHosted] }), "PASS"],
  ["github.repo.public-self-hosted-runner", "public, hosted", repo(P.none, { visibility: "PUBLIC", workflows: [hosted] }), "PASS"],
  ["github.repo.public-self-hosted-runner", "public, workflows not synced", repo(P.none, { visibility: "PUBLIC" }), "UNKNOWN"],
  ["github.repo.public-self-hosted-runner", "public, a workflow unparseable", repo(P.none, { visibility: "PUBLIC", workflows: [wf("on: [push\n")] }), "UNKNOWN"],
];

const byId = new Map(githubRepositoryChecks.map((c) => [c.checkId, c]));
for (const [checkId, label, target, status, more] of cases) {
  test(`${checkId}: ${label} → ${status}`, () => {
    const check = byId.get(checkId);
    assert.ok(check, `no check ${checkId}`);
    const out = check.evaluate(target, check.parameters, { now: new Date() });
    assert.equal(out.status, status, JSON.stringify(out));
    if (out.status === "UNKNOWN") assert.ok(out.reason.length > 10);
    more?.(out);
  });
}

test("every GitHub repository check has a PASS, a FAIL and an UNKNOWN case", () => {
  for (const c of githubRepositoryChecks) {
    const seen = new Set(cases.filter((x) => x[0] === c.checkId).map((x) => x[3]));
    assert.deepEqual([...seen].sort(), ["FAIL", "PASS", "UNKNOWN"], c.checkId);
  }
});
