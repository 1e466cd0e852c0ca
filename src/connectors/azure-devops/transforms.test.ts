import { test } from "node:test";
import assert from "node:assert/strict";
import { alertFinding, effectiveProtection, POLICY_TYPES, policyApplies, transformBuildDefinition, transformRepository, type PolicyRaw } from "./transforms";
import { azureDevOpsConnector } from "./connector";

const REPO = "11111111-0000-4000-8000-000000000001";
const OTHER = "11111111-0000-4000-8000-000000000002";
const pol = (type: string, settings: Record<string, unknown>, extra: Partial<PolicyRaw> = {}): PolicyRaw =>
  ({ id: 1, type: { id: type }, isEnabled: true, isBlocking: true, settings, ...extra });
const minReviewers = (scope: unknown[], n = 2, more: Record<string, unknown> = {}) => pol(POLICY_TYPES.minimumReviewers, { minimumApproverCount: n, creatorVoteCounts: false, resetOnSourcePush: true, scope, ...more });

test("a policy scoped to refs/heads/release only does not protect main", () => {
  const p = effectiveProtection(REPO, "refs/heads/main", [minReviewers([{ refName: "refs/heads/release", matchKind: "Prefix", repositoryId: REPO }])]);
  assert.equal(p.protected, false);
  assert.equal(p.requiredApprovingReviews, 0);
  assert.equal(p.creatorVoteCounts, null);
  assert.equal(policyApplies(minReviewers([{ refName: "refs/heads/release", matchKind: "Prefix", repositoryId: REPO }]), REPO, "refs/heads/release/1.0", "refs/heads/main"), true);
});

test("Exact, Prefix and DefaultBranch scopes; repositoryId null covers every repository of the project", () => {
  const exact = effectiveProtection(REPO, "refs/heads/main", [minReviewers([{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: null }])]);
  assert.equal(exact.protected, true); assert.equal(exact.requiredApprovingReviews, 2); assert.equal(exact.creatorVoteCounts, false);
  assert.equal(exact.resetOnSourcePush, true); assert.equal(exact.dismissStaleReviews, true); assert.equal(exact.branch, "main");
  assert.equal(effectiveProtection(REPO, "refs/heads/master", [minReviewers([{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: null }])]).protected, false);
  assert.equal(effectiveProtection(REPO, "refs/heads/main", [minReviewers([{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: OTHER }])]).protected, false, "another repository's policy");
  assert.equal(effectiveProtection(REPO, "refs/heads/trunk", [minReviewers([{ matchKind: "DefaultBranch", repositoryId: REPO }])]).protected, true);
  assert.equal(effectiveProtection(REPO, "refs/heads/main", [minReviewers([{ refName: "refs/heads/", matchKind: "Prefix", repositoryId: null }])]).protected, true);
});

test("build validation, comments, required reviewers, merge strategy; disabled and optional policies", () => {
  const p = effectiveProtection(REPO, "refs/heads/main", [
    minReviewers([{ refName: "refs/heads/main", matchKind: "Exact" }], 1, { creatorVoteCounts: true }),
    pol(POLICY_TYPES.build, { displayName: "ci", scope: [{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: REPO }] }),
    pol(POLICY_TYPES.comments, { scope: [{ matchKind: "DefaultBranch" }] }),
    pol(POLICY_TYPES.requiredReviewers, { requiredReviewerIds: ["sec"], scope: [{ repositoryId: REPO }] }),
    pol(POLICY_TYPES.mergeStrategy, { allowSquash: true, allowNoFastForward: false, scope: [{ repositoryId: REPO }] }),
    pol(POLICY_TYPES.minimumReviewers, { minimumApproverCount: 4, scope: [] }, { isEnabled: false }),
    pol(POLICY_TYPES.minimumReviewers, { minimumApproverCount: 5, scope: [] }, { isBlocking: false, id: 9 }),
  ]);
  assert.equal(p.requiredApprovingReviews, 1);
  assert.equal(p.creatorVoteCounts, true);
  assert.deepEqual(p.requiredStatusChecks, ["build:ci"]);
  assert.equal(p.requireConversationResolution, true);
  assert.equal(p.requireCodeOwnerReview, true);
  assert.deepEqual(p.requiredReviewers, ["sec"]);
  assert.equal(p.requireLinearHistory, true);
  assert.deepEqual(p.evaluateOnly, ["policy:9:minimumReviewers"]);
  assert.equal(p.blockForcePushes, "unknown", "force push is a Git permission, not a policy");
});

test("unreadable policies are unknown, never false", () => {
  const p = effectiveProtection(REPO, "refs/heads/main", null);
  for (const k of ["protected", "requirePullRequest", "requireStatusChecks", "requireConversationResolution", "resetOnSourcePush"] as const) assert.equal(p[k], "unknown", k);
  assert.equal(p.requiredApprovingReviews, "unknown");
  assert.equal(p.creatorVoteCounts, "unknown");
});

test("repository: full name organization/project/name, default branch without refs/heads/", () => {
  const r = transformRepository("fabrikam", { id: "p", name: "web", visibility: "private" }, { id: REPO, name: "api", defaultBranch: "refs/heads/main", isDisabled: true, isFork: false, size: 42, webUrl: "https://x" }, "pid");
  assert.equal(r.fullName, "fabrikam/web/api"); assert.equal(r.defaultBranch, "main"); assert.equal(r.archived, true); assert.equal(r.visibility, "PRIVATE"); assert.equal(r.projectId, "pid");
});

test("build definition: YAML path, triggers, fork settings", () => {
  const p = transformBuildDefinition("pid", { id: 7, name: "ci", repository: { id: REPO, type: "TfsGit" }, process: { type: 2, yamlFilename: "ci.yml" },
    triggers: [{ triggerType: "pullRequest", forks: { enabled: true, allowSecrets: true } }, { triggerType: "continuousIntegration" }] }, new Map([[REPO, "rid"]]));
  assert.equal(p.repoId, "rid"); assert.equal(p.path, "ci.yml"); assert.deepEqual(p.triggers, ["continuousIntegration", "pullRequest"]);
  assert.deepEqual(p.definition.forks, { enabled: true, allowSecrets: true, allowFullAccessToken: false });
  assert.equal(p.externalId, "ado-build:pid:7");
});

test("alert → FindingInput: category, severity, rule, location, source state; no secret fragment", () => {
  const base = { alertId: 5, severity: "high", tools: [{ name: "CodeQL", rules: [{ opaqueId: "js/xss", friendlyName: "XSS", tags: ["external/cwe/cwe-079"] }] }],
    physicalLocations: [{ filePath: "a.js", region: { lineStart: 3, lineEnd: 4 } }], firstSeenDate: "2025-01-01T00:00:00Z" };
  const code = alertFinding({ ...base, alertType: "code", state: "active" });
  assert.equal(code.category, "CODE"); assert.equal(code.severity, "HIGH"); assert.equal(code.ruleId, "js/xss"); assert.equal(code.tool, "CodeQL");
  assert.equal(code.path, "a.js"); assert.equal(code.startLine, 3); assert.deepEqual(code.cwes, ["CWE-79"]); assert.equal(code.sourceState?.state, "OPEN");
  assert.equal(code.fingerprint, "ado-alert:5"); assert.equal(code.details.firstSeenDate, "2025-01-01T00:00:00Z");
  const fixed = alertFinding({ ...base, alertType: "dependency", state: "fixed", fixedDate: "2025-02-01T00:00:00Z", severity: "critical", logicalLocations: [{ fullyQualifiedName: "npm/lodash@4.17.20" }] });
  assert.equal(fixed.category, "DEPENDENCY"); assert.equal(fixed.severity, "CRITICAL"); assert.equal(fixed.sourceState?.state, "FIXED");
  assert.equal(fixed.packageName, "lodash"); assert.equal(fixed.packageVersion, "4.17.20");
  const dismissed = alertFinding({ ...base, alertType: "secret", state: "dismissed", dismissal: { dismissalType: "falsePositive", message: "test" }, truncatedSecret: "abc****" });
  assert.equal(dismissed.category, "SECRET"); assert.equal(dismissed.sourceState?.state, "DISMISSED");
  assert.equal(dismissed.sourceState?.dismissReason, "falsePositive"); assert.equal(dismissed.sourceState?.dismissComment, "test");
  assert.ok(!JSON.stringify(dismissed).includes("abc****"));
  assert.equal(alertFinding({ ...base, alertType: "code", state: "autoDismissed" }).sourceState?.dismissReason, "auto_dismissed");
  assert.equal(alertFinding({ ...base, alertType: "code", state: "active", severity: "note" }).severity, "LOW");
});

test("connector definition: organization names, PAT, projects option, default URL", () => {
  assert.equal(azureDevOpsConnector.defaultUrl("fabrikam"), "https://dev.azure.com/fabrikam");
  assert.throws(() => azureDevOpsConnector.organization("bad org"));
  assert.equal(azureDevOpsConnector.organization(" DefaultCollection "), "DefaultCollection");
  assert.throws(() => azureDevOpsConnector.credentials({}, true));
  assert.equal(azureDevOpsConnector.credentials({}, false), null);
  assert.deepEqual(azureDevOpsConnector.credentials({ token: " abc " }, true), { type: "pat", token: "abc" });
  assert.deepEqual(azureDevOpsConnector.options({ projects: ["a", "a", "b"] }, null), { projects: ["a", "b"] });
  assert.deepEqual(azureDevOpsConnector.options({}, { projects: ["x"] }), { projects: ["x"] });
  assert.throws(() => azureDevOpsConnector.options({ projects: ["a/b"] }, null));
});
