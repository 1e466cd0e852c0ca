import { test } from "node:test";
import assert from "node:assert/strict";
import { BranchProtectionRuleRaw, effectiveProtection, RulesetRaw } from "../connectors/github/protection";
import { parseWorkflow } from "../connectors/github/workflows";
import { gitHubTargets, GitHubRepositoryInput } from "../connectors/github/settings.transform";
import type { PostureCheckDefinition } from "./check.types";
import type { PostureTarget, VariableGroupTarget } from "./targets";
import { BUILT_IN_CHECKS, checksFor, evaluateAll, getCheck, PostureConfig, resolveCheck, validateOverride } from "./registry";

const CONTRACT_IDS = [
  "github.repo.branch-protected", "github.repo.force-push-blocked", "github.repo.deletion-blocked", "github.repo.required-reviews", "github.repo.stale-reviews-dismissed",
  "github.repo.code-owner-review", "github.repo.status-checks-required", "github.repo.admins-enforced", "github.repo.secret-scanning", "github.repo.push-protection",
  "github.repo.code-scanning", "github.repo.dependabot-alerts", "github.repo.codeowners-valid", "github.repo.public-self-hosted-runner",
  "github.workflow.dangerous-trigger", "github.workflow.script-injection", "github.workflow.token-permissions", "github.workflow.unpinned-actions",
  "github.org.default-workflow-permissions", "github.org.secrets-all-repositories", "github.org.base-permission", "github.org.two-factor", "github.org.multiple-admins",
  "ado.repo.min-reviewers", "ado.repo.creator-vote-counts", "ado.repo.reset-votes", "ado.repo.build-validation", "ado.pipeline.fork-secrets",
  "ado.endpoint.open-to-all-pipelines", "ado.endpoint.classic-azure", "ado.variable-group.open-to-all-pipelines", "ado.secure-file.open-to-all-pipelines",
];

// standards.md: Defender for DevOps' severities, Scorecard's critical Dangerous-Workflow.
const KNOWN_SEVERITIES: Record<string, string> = {
  "github.repo.secret-scanning": "HIGH", "github.repo.code-scanning": "MEDIUM", "github.repo.dependabot-alerts": "MEDIUM", "github.repo.branch-protected": "HIGH",
  "github.repo.force-push-blocked": "MEDIUM", "github.repo.public-self-hosted-runner": "HIGH", "github.org.secrets-all-repositories": "HIGH",
  "github.org.default-workflow-permissions": "HIGH", "github.org.multiple-admins": "HIGH", "github.org.base-permission": "HIGH", "github.repo.required-reviews": "HIGH",
  "ado.pipeline.fork-secrets": "HIGH", "ado.endpoint.open-to-all-pipelines": "HIGH", "ado.variable-group.open-to-all-pipelines": "HIGH",
  "ado.secure-file.open-to-all-pipelines": "HIGH", "ado.endpoint.classic-azure": "MEDIUM", "ado.repo.creator-vote-counts": "HIGH", "ado.repo.min-reviewers": "HIGH",
  "github.workflow.dangerous-trigger": "CRITICAL", "github.workflow.script-injection": "HIGH",
};

test("the built-in checks are exactly the contract's ids, with complete metadata", () => {
  assert.deepEqual(BUILT_IN_CHECKS.map((c) => c.checkId).sort(), [...CONTRACT_IDS].sort());
  const kinds: Record<string, string> = { repo: "repository", workflow: "workflow", org: "organization", pipeline: "pipeline", endpoint: "service-connection", "variable-group": "variable-group", "secure-file": "secure-file" };
  for (const c of BUILT_IN_CHECKS) {
    const [prefix, family] = c.checkId.split(".");
    assert.equal(c.platform, prefix === "github" ? "GITHUB" : "AZURE_DEVOPS", c.checkId);
    assert.equal(c.targetKind, kinds[family], c.checkId);
    assert.ok(c.title.length > 10 && c.rationale.length > 40 && c.remediation.length > 40, c.checkId);
    assert.match(c.docsUrl, prefix === "github" ? /^https:\/\/docs\.github\.com\/en\// : /^https:\/\/learn\.microsoft\.com\/en-us\//, c.checkId);
    if (KNOWN_SEVERITIES[c.checkId]) assert.equal(c.severity, KNOWN_SEVERITIES[c.checkId], c.checkId);
  }
  assert.deepEqual(getCheck("github.repo.required-reviews")?.parameters, { minApprovals: 2 });
  assert.deepEqual(getCheck("ado.repo.min-reviewers")?.parameters, { minApprovals: 2 });
  assert.equal(getCheck("nope"), undefined);
  assert.equal(checksFor("AZURE_DEVOPS", "repository").length, 4);
});

const rule = (count: number): BranchProtectionRuleRaw => ({
  pattern: "main", isAdminEnforced: true, allowsForcePushes: false, allowsDeletions: false, requiresApprovingReviews: true, requiredApprovingReviewCount: count,
  requiresCodeOwnerReviews: false, dismissesStaleReviews: true, requireLastPushApproval: false, requiresStatusChecks: true, requiresStrictStatusChecks: false,
  requiredStatusCheckContexts: ["ci"], requiresCommitSignatures: false, requiresLinearHistory: false, requiresConversationResolution: false, restrictsPushes: false, lockBranch: false,
});
const orgRuleset: RulesetRaw = {
  id: "r", databaseId: 1, name: "protect-main", enforcement: "ACTIVE", target: "BRANCH", source: "org:acme", include: ["~DEFAULT_BRANCH"], exclude: [],
  rules: [{ type: "PULL_REQUEST", parameters: { requiredApprovingReviewCount: 2 } }], bypassActors: [],
};
const repoInput = (name: string, protection: unknown, archived = false): GitHubRepositoryInput => ({
  row: { fullName: name, visibility: "PRIVATE", archived, defaultBranch: "main", settings: { protection: JSON.parse(JSON.stringify(protection)), codeowners: null, vulnerabilityAlertsEnabled: true } },
  workflows: [{ name: "ci", path: ".github/workflows/ci.yml", triggers: ["push"], definition: parseWorkflow("ci.yml", "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{ uses: actions/checkout@v4 }]\n").definition }],
});
const estate = (): PostureTarget[] => gitHubTargets({
  org: "acme", orgSettings: { defaultWorkflowPermissions: "read", adminCount: 2 },
  repositories: [
    repoInput("acme/one-approval", effectiveProtection("main", [rule(1)], [])),
    repoInput("acme/org-ruleset", effectiveProtection("main", [], [orgRuleset])),
    repoInput("acme/legacy", effectiveProtection("main", [], []), true),
  ],
});
const result = (rs: ReturnType<typeof evaluateAll>, checkId: string, target: string) => rs.find((r) => r.checkId === checkId && r.targetName === target);

test("evaluateAll: one result per enabled check and target; archived repositories and their workflows yield none", () => {
  const rs = evaluateAll(estate());
  assert.equal(rs.filter((r) => r.targetName.startsWith("acme/legacy")).length, 0);
  assert.equal(rs.filter((r) => r.targetKind === "organization").length, 5);
  assert.equal(rs.filter((r) => r.targetName === "acme/org-ruleset").length, 14);
  assert.equal(rs.filter((r) => r.targetKind === "workflow").length, 8);
  const rr = result(rs, "github.repo.required-reviews", "acme/one-approval")!;
  assert.deepEqual({ ...rr, evidence: undefined }, {
    checkId: "github.repo.required-reviews", platform: "GITHUB", targetKind: "repository", targetName: "acme/one-approval", org: "acme", repository: "acme/one-approval",
    status: "FAIL", evidence: undefined, reason: null, severity: "HIGH",
  });
  assert.equal(result(rs, "github.repo.branch-protected", "acme/org-ruleset")!.status, "PASS");
  const unpinned = result(rs, "github.workflow.unpinned-actions", "acme/one-approval/.github/workflows/ci.yml")!;
  assert.equal(unpinned.repository, "acme/one-approval");
  assert.equal(unpinned.status, "FAIL");
  const unknown = result(rs, "github.repo.secret-scanning", "acme/org-ruleset")!;
  assert.equal(unknown.status, "UNKNOWN");
  assert.ok(unknown.reason);
});

test("configuration: disable, change severity, change minApprovals; the organization overrides the estate", () => {
  const config: PostureConfig = {
    estate: {
      "github.repo.codeowners-valid": { enabled: false },
      "github.repo.required-reviews": { severity: "CRITICAL", parameters: { minApprovals: 3 } },
      "github.workflow.unpinned-actions": { parameters: { allowGitHubOwned: true } },
    },
    organizations: { acme: { "github.repo.required-reviews": { parameters: { minApprovals: 1 } } }, other: { "github.repo.codeowners-valid": { enabled: true } } },
  };
  const rs = evaluateAll(estate(), config);
  assert.equal(rs.filter((r) => r.checkId === "github.repo.codeowners-valid").length, 0);
  const one = result(rs, "github.repo.required-reviews", "acme/one-approval")!;
  assert.equal(one.status, "PASS", "acme's minApprovals 1 beats the estate's 3");
  assert.equal(one.severity, "CRITICAL", "the estate's severity stands where acme says nothing");
  assert.equal(result(rs, "github.workflow.unpinned-actions", "acme/one-approval/.github/workflows/ci.yml")!.status, "PASS");
  const estateOnly = evaluateAll(estate(), { estate: config.estate });
  assert.equal(result(estateOnly, "github.repo.required-reviews", "acme/org-ruleset")!.status, "FAIL", "2 approvals < the estate's 3");
  const back = evaluateAll(estate(), { estate: { "github.repo.codeowners-valid": { enabled: false } }, organizations: { acme: { "github.repo.codeowners-valid": { enabled: true } } } });
  assert.ok(back.some((r) => r.checkId === "github.repo.codeowners-valid"), "an organization can re-enable what the estate disabled");
});

test("overrides are validated; invalid values are ignored at evaluation", () => {
  assert.deepEqual(validateOverride("github.repo.required-reviews", { severity: "HIGH", parameters: { minApprovals: 3 } }), []);
  assert.deepEqual(validateOverride("nope", {}), ['unknown checkId "nope"']);
  assert.deepEqual(validateOverride("github.repo.required-reviews", { severity: "URGENT" as never, parameters: { minApprovals: "two", min: 1 } }), [
    "severity must be one of CRITICAL, HIGH, MEDIUM, LOW, INFO", 'parameter "minApprovals" must be a number', 'github.repo.required-reviews has no parameter "min" (it has: minApprovals)',
  ]);
  assert.deepEqual(validateOverride("github.workflow.unpinned-actions", { parameters: { allowedOwners: ["a", 1] } }), ['parameter "allowedOwners" must be a list of strings']);
  assert.deepEqual(validateOverride("ado.repo.min-reviewers", { parameters: { minApprovals: -1 } }), ['parameter "minApprovals" must not be negative']);
  const r = resolveCheck(getCheck("github.repo.required-reviews")!, { estate: { "github.repo.required-reviews": { severity: "URGENT" as never, parameters: { minApprovals: "two" } } } }, "acme");
  assert.deepEqual(r, { enabled: true, severity: "HIGH", parameters: { minApprovals: 2 } });
});

test("a check that throws answers UNKNOWN, never FAIL; targets meet only checks of their platform and kind", () => {
  const broken: PostureCheckDefinition = {
    checkId: "test.broken", title: "Broken", platform: "AZURE_DEVOPS", targetKind: "variable-group", severity: "LOW", rationale: "", remediation: "", docsUrl: "", parameters: {},
    evaluate: () => { throw new Error("boom"); },
  };
  const group: VariableGroupTarget = { kind: "variable-group", platform: "AZURE_DEVOPS", org: "fabrikam", name: "fabrikam/p/vg", group: { name: "vg", project: "p", hasSecrets: true, openToAllPipelines: true } };
  const rs = evaluateAll([group], {}, { now: new Date() }, [...BUILT_IN_CHECKS, broken]);
  assert.deepEqual(rs.map((r) => [r.checkId, r.status]), [["ado.variable-group.open-to-all-pipelines", "FAIL"], ["test.broken", "UNKNOWN"]]);
  assert.match(rs[1].reason!, /boom/);
});
