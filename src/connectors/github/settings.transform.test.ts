import { test } from "node:test";
import assert from "node:assert/strict";
import { BranchProtectionRuleRaw, BypassActor, effectiveProtection, RulesetRaw } from "./protection";
import { parseWorkflow } from "./workflows";
import {
  branchProtectionFromGitHub, bypassActorInfo, codeownersFromGitHub, gitHubTargets, organizationSecurityFromGitHub, repositorySecurityFromGitHub,
  workflowSecurityFromGitHub,
} from "./settings.transform";
import { codeownersSyntaxErrors } from "./codeowners-syntax";

const rule = (over: Partial<BranchProtectionRuleRaw> = {}): BranchProtectionRuleRaw => ({
  pattern: "main", isAdminEnforced: false, allowsForcePushes: false, allowsDeletions: true, requiresApprovingReviews: true, requiredApprovingReviewCount: 1,
  requiresCodeOwnerReviews: false, dismissesStaleReviews: false, requireLastPushApproval: false, requiresStatusChecks: false, requiresStrictStatusChecks: false,
  requiredStatusCheckContexts: [], requiresCommitSignatures: false, requiresLinearHistory: false, requiresConversationResolution: false, restrictsPushes: false, lockBranch: false, ...over,
});
const ruleset = (over: Partial<RulesetRaw> = {}): RulesetRaw => ({
  id: "r", databaseId: 1, name: "protect-main", enforcement: "ACTIVE", target: "BRANCH", source: "org:acme", include: ["~DEFAULT_BRANCH"], exclude: [],
  rules: [{ type: "PULL_REQUEST", parameters: { requiredApprovingReviewCount: 2, dismissStaleReviewsOnPush: true } }, { type: "NON_FAST_FORWARD", parameters: null }],
  bypassActors: [], ...over,
});
const actor = (over: Partial<BypassActor>): BypassActor => ({ bypassMode: "ALWAYS", organizationAdmin: false, deployKey: false, repositoryRoleName: null, actor: null, ...over });
/** As the sync stores it: effectiveProtection() through JSON. */
const stored = (...args: Parameters<typeof effectiveProtection>) => JSON.parse(JSON.stringify(effectiveProtection(...args)));

test("protection only through an organization ruleset maps to a protected branch naming the ruleset", () => {
  const p = branchProtectionFromGitHub(stored("main", [], [ruleset()]));
  assert.equal(p.protected, true);
  assert.deepEqual(p.sources, ["ruleset:org:acme:protect-main"]);
  assert.equal(p.minApprovals, 2);
  assert.equal(p.resetApprovalsOnPush, true);
  assert.equal(p.blockForcePushes, true);
  assert.equal(p.enforcedForAdmins, true);
  assert.equal(p.broadBypass, false);
  assert.deepEqual(p.unreadable, []);
  assert.equal(p.creatorVoteCounts, false, "GitHub never counts the author's approval");
});

test("a ruleset in evaluate mode protects nothing and is named", () => {
  const p = branchProtectionFromGitHub(stored("main", [], [ruleset({ enforcement: "EVALUATE" })]));
  assert.equal(p.protected, false);
  assert.deepEqual(p.evaluateOnly, ["org:acme:protect-main"]);
  assert.equal(p.minApprovals, 0);
});

test("bypass actors: a repository role (write), org admins and deploy keys are broad; a named app is not", () => {
  const p = branchProtectionFromGitHub(stored("main", [], [ruleset({ bypassActors: [actor({ repositoryRoleName: "write" }), actor({ actor: "App:release-bot" })] })]));
  assert.equal(p.enforcedForAdmins, false);
  assert.equal(p.broadBypass, true);
  assert.deepEqual(p.bypassActors, [
    { kind: "repository-role", name: "write", mode: "ALWAYS", broad: true }, { kind: "app", name: "release-bot", mode: "ALWAYS", broad: false },
  ]);
  assert.equal(bypassActorInfo(actor({ organizationAdmin: true })).broad, true);
  assert.equal(bypassActorInfo(actor({ deployKey: true })).kind, "deploy-key");
  assert.equal(branchProtectionFromGitHub(stored("main", [], [ruleset({ bypassActors: [actor({ actor: "Team:sre" })] })])).broadBypass, false);
});

test("what the token could not read stays unknown: unread bypass list, rulesets, details never synced, old rows", () => {
  const unreadBypass = branchProtectionFromGitHub(stored("main", [], [ruleset({ bypassActors: null })]));
  assert.equal(unreadBypass.protected, true);
  assert.equal(unreadBypass.enforcedForAdmins, "unknown");
  assert.equal(unreadBypass.broadBypass, "unknown");
  assert.deepEqual(unreadBypass.unreadable, ["bypass list of ruleset org:acme:protect-main"]);
  const noRulesets = branchProtectionFromGitHub(stored("main", [rule()], null));
  assert.equal(noRulesets.protected, true);
  assert.equal(noRulesets.minApprovals, 1, "a count read while rulesets were unreadable stays a number…");
  assert.deepEqual(noRulesets.unreadable, ["rulesets"], "…but says it may be short");
  assert.equal(noRulesets.blockDeletions, "unknown");
  const never = branchProtectionFromGitHub(undefined, "main");
  assert.equal(never.protected, "unknown");
  assert.equal(never.branch, "main");
  const { unreadable: _u, ...old } = stored("main", [], null);
  assert.deepEqual(branchProtectionFromGitHub(old).unreadable, ["part of the branch protection rules or rulesets"]);
});

test("CODEOWNERS: not read, none, valid, with errors, binary, truncated", () => {
  assert.equal(codeownersFromGitHub(undefined).present, "unknown");
  assert.deepEqual(codeownersFromGitHub(null), { present: false, path: null, errors: [] });
  assert.deepEqual(codeownersFromGitHub({ path: ".github/CODEOWNERS", text: "# owners\n* @acme/platform\n/docs/ docs@acme.com\n", truncated: false }, "acme"),
    { present: true, path: ".github/CODEOWNERS", errors: [] });
  assert.deepEqual(codeownersFromGitHub({ path: "CODEOWNERS", text: "!/secret @alice\n*.[ch] @acme/c\n/x @other/team\n/y alice\n/z\n", truncated: false }, "acme").errors, [
    "line 1: negation (!) is not supported in CODEOWNERS", "line 2: character ranges ([ ]) are not supported in CODEOWNERS",
    "line 3: team @other/team is not in the organization acme", "line 4: \"alice\" is not a user (@name), a team (@org/team) or an e-mail address",
  ]);
  assert.deepEqual(codeownersFromGitHub({ path: "CODEOWNERS", text: null, truncated: false }).errors, ["the file could not be read as text (binary?)"]);
  assert.equal(codeownersFromGitHub({ path: "CODEOWNERS", text: "* @a\n", truncated: true }).partial, true);
  assert.deepEqual(codeownersFromGitHub({ path: "CODEOWNERS", errors: [{ line: 3, kind: "Unknown owner", message: "Unknown owner on line 3" }] }).errors, ["line 3: Unknown owner on line 3"]);
  assert.deepEqual(codeownersSyntaxErrors("docs/* @alice # inline comment\n"), []);
});

test("scanner settings: only vulnerabilityAlertsEnabled is stored today; false counts only for an administering token; alerts prove enabled", () => {
  const row = (settings: Record<string, unknown>) => ({ fullName: "acme/api", visibility: "private", archived: false, settings });
  const plain = repositorySecurityFromGitHub(row({ vulnerabilityAlertsEnabled: false }));
  assert.deepEqual([plain.secretScanning, plain.pushProtection, plain.codeScanning, plain.dependabotAlerts], ["unknown", "unknown", "unknown", "unknown"]);
  assert.equal(plain.visibility, "PRIVATE");
  assert.equal(repositorySecurityFromGitHub(row({ vulnerabilityAlertsEnabled: false }), { viewerCanAdminister: true }).dependabotAlerts, false);
  assert.equal(repositorySecurityFromGitHub(row({ vulnerabilityAlertsEnabled: true })).dependabotAlerts, true);
  const withSignals = repositorySecurityFromGitHub(row({}), { signals: { codeScanningAlerts: 3, secretScanningAlerts: 0 } });
  assert.equal(withSignals.codeScanning, true);
  assert.equal(withSignals.secretScanning, "unknown", "no alerts proves nothing");
  const rest = repositorySecurityFromGitHub(row({ securityAndAnalysis: { secret_scanning: { status: "enabled" }, secret_scanning_push_protection: { status: "disabled" } } }));
  assert.deepEqual([rest.secretScanning, rest.pushProtection], [true, false]);
});

test("workflow definitions: permissions, runners, actions with owners, interpolations and checkouts; old rows have unknown checkouts", () => {
  const facts = parseWorkflow(".github/workflows/ci.yml", `on: [push, pull_request_target]
jobs:
  build:
    runs-on: [self-hosted, linux]
    steps:
      - uses: Actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.ref }}" }
      - run: echo "\${{ github.event.pull_request.title }}"
  lint:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - uses: ./local
`);
  const w = workflowSecurityFromGitHub({ name: facts.name, path: ".github/workflows/ci.yml", triggers: facts.triggers, definition: facts.definition });
  assert.equal(w.parseError, null);
  assert.equal(w.writeAll, true);
  assert.deepEqual(w.jobsWithoutPermissions, ["build"]);
  assert.deepEqual(w.selfHostedJobs, [{ job: "build", runsOn: ["self-hosted", "linux"] }]);
  assert.deepEqual(w.actions.map((a) => [a.owner, a.pinned]), [["actions", false]]);
  assert.deepEqual(w.untrustedInterpolations, [{ job: "build", step: 1, line: 8, expression: "github.event.pull_request.title" }]);
  assert.deepEqual(w.untrustedCheckouts, [{ job: "build", step: 0, line: 6, ref: "${{ github.event.pull_request.head.ref }}", runStep: 1, runLine: 8, runKind: "run" }]);
  const { checkoutsOfUntrustedRef: _c, ...old } = facts.definition;
  assert.equal(workflowSecurityFromGitHub({ name: "x", triggers: [], definition: old }).untrustedCheckouts, "unknown");
  assert.equal(workflowSecurityFromGitHub({ name: "x", triggers: [], definition: null }).parseError, "no definition stored");
});

test("organization settings: absent keys and an empty owner list are unknown", () => {
  const o = organizationSecurityFromGitHub({ defaultWorkflowPermissions: "write", actionsSecrets: { total: 3, visibleToAllRepositories: 1, names: ["NPM_TOKEN"] }, adminCount: 0, basePermission: "unknown" });
  assert.equal(o.defaultWorkflowPermissions, "write");
  assert.equal(o.secretsVisibleToAllRepositories, 1);
  assert.deepEqual(o.secretNamesVisibleToAllRepositories, ["NPM_TOKEN"]);
  assert.equal(o.adminCount, "unknown");
  assert.equal(o.basePermission, "unknown");
  assert.equal(o.twoFactorRequired, "unknown");
  assert.equal(organizationSecurityFromGitHub(undefined).secretsVisibleToAllRepositories, "unknown");
});

test("gitHubTargets: the organization, each repository and each workflow, named for results", () => {
  const targets = gitHubTargets({
    org: "acme", orgSettings: { defaultWorkflowPermissions: "read" },
    repositories: [{ row: { fullName: "acme/api", visibility: "PUBLIC", archived: false, defaultBranch: "main", settings: {} }, workflows: [{ name: "CI", path: ".github/workflows/ci.yml", triggers: ["push"], definition: parseWorkflow("ci.yml", "on: push\njobs: {}\n").definition }] }],
  });
  assert.deepEqual(targets.map((t) => [t.kind, t.name]), [["organization", "acme"], ["repository", "acme/api"], ["workflow", "acme/api/.github/workflows/ci.yml"]]);
  const wf = targets[2];
  assert.ok(wf.kind === "workflow" && wf.organizationDefaultPermissions === "read" && wf.repository === "acme/api");
});
