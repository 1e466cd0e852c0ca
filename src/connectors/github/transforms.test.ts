import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { BranchProtectionRuleRaw, effectiveProtection, globToRegExp, matchingBranchRule, RulesetRaw } from "./protection";
import { parseUses, parseWorkflow } from "./workflows";
import { decide, DEFAULT_RETRY_POLICY, inReserve } from "../core";
import { appJwt } from "./auth";
import { secretScanningFinding } from "./alerts-secret-scanning";
import { codeScanningFinding, cwesFromTags } from "./alerts-code-scanning";
import { dependabotFinding } from "./alerts-dependabot";

const rule = (over: Partial<BranchProtectionRuleRaw> = {}): BranchProtectionRuleRaw => ({
  pattern: "main", isAdminEnforced: false, allowsForcePushes: false, allowsDeletions: true, requiresApprovingReviews: true, requiredApprovingReviewCount: 1,
  requiresCodeOwnerReviews: false, dismissesStaleReviews: false, requireLastPushApproval: false, requiresStatusChecks: false, requiresStrictStatusChecks: false,
  requiredStatusCheckContexts: [], requiresCommitSignatures: false, requiresLinearHistory: false, requiresConversationResolution: false, restrictsPushes: false, lockBranch: false, ...over,
});
const ruleset = (over: Partial<RulesetRaw> = {}): RulesetRaw => ({
  id: "r", databaseId: 1, name: "rs", enforcement: "ACTIVE", target: "BRANCH", source: "org:acme", include: ["~DEFAULT_BRANCH"], exclude: [],
  rules: [{ type: "PULL_REQUEST", parameters: { requiredApprovingReviewCount: 2, requireCodeOwnerReview: true } }], bypassActors: [], ...over,
});

test("branch patterns: * stops at /, ** does not, an exact name wins", () => {
  assert.ok(globToRegExp("release/*").test("release/1.0"));
  assert.ok(!globToRegExp("release/*").test("release/1.0/hotfix"));
  assert.ok(globToRegExp("release/**").test("release/1.0/hotfix"));
  assert.equal(matchingBranchRule([rule({ pattern: "*" }), rule({ pattern: "main" }), rule({ pattern: "ma*" })], "main")!.pattern, "main");
  assert.equal(matchingBranchRule([rule({ pattern: "*" }), rule({ pattern: "ma*" })], "main")!.pattern, "ma*");
});

test("effective protection merges classic rules and rulesets, most restrictive wins", () => {
  const p = effectiveProtection("main", [rule({ isAdminEnforced: true })], [ruleset()]);
  assert.equal(p.protected, true);
  assert.equal(p.requiredApprovingReviews, 2);
  assert.equal(p.requireCodeOwnerReview, true);
  assert.equal(p.blockForcePushes, true);
  assert.equal(p.blockDeletions, false);
  assert.equal(p.enforcedForAdmins, true);
});

test("rulesets only: protected; bypass actors make it bypassable; evaluate mode is not enforcement", () => {
  const p = effectiveProtection("main", [], [ruleset({ bypassActors: [{ bypassMode: "ALWAYS", organizationAdmin: true, deployKey: false, repositoryRoleName: null, actor: null }] })]);
  assert.equal(p.protected, true);
  assert.equal(p.enforcedForAdmins, false);
  assert.equal(p.bypassActors.length, 1);
  const e = effectiveProtection("main", [], [ruleset({ enforcement: "EVALUATE" })]);
  assert.equal(e.protected, false);
  assert.deepEqual(e.evaluateOnly, ["org:acme:rs"]);
  assert.equal(effectiveProtection("main", [], [ruleset({ include: ["refs/heads/release/*"] })]).protected, false);
  assert.equal(effectiveProtection("main", [], [ruleset({ exclude: ["refs/heads/main"] })]).protected, false);
});

test("what could not be read is unknown, never off", () => {
  const p = effectiveProtection("main", [], null);
  assert.equal(p.protected, "unknown");
  assert.equal(p.blockForcePushes, "unknown");
  assert.equal(p.requiredApprovingReviews, "unknown");
  assert.equal(effectiveProtection("main", [rule()], null).protected, true);
});

test("workflows: triggers, permissions, runners, pinning, script injection", () => {
  const w = parseWorkflow(".github/workflows/x.yml", `
name: X
on:
  pull_request_target:
  issue_comment:
permissions: write-all
jobs:
  a:
    runs-on: [self-hosted, gpu]
    steps:
      - uses: actions/checkout@8f4b7f84864484a7bf31766abe9204da3cbe65b3
      - uses: docker://alpine@sha256:${"a".repeat(64)}
      - uses: ./local-action
      - uses: some/action/sub@v1
      - run: echo "\${{ github.event.comment.body }} \${{ github.event.number }}"
  b:
    uses: org/repo/.github/workflows/r.yml@main
`);
  assert.deepEqual(w.triggers, ["pull_request_target", "issue_comment"]);
  assert.equal(w.definition.permissions, "write-all");
  assert.equal(w.definition.selfHostedRunners, true);
  assert.deepEqual(w.definition.actions.map((a) => [a.kind, a.pinned]), [["action", true], ["docker", true], ["local", true], ["action", false], ["reusable-workflow", false]]);
  assert.equal(w.definition.unpinnedActions, 2);
  assert.deepEqual(w.definition.runInterpolations.map((i) => [i.expression, i.untrusted]), [["github.event.comment.body", true], ["github.event.number", false]]);
  assert.equal(parseWorkflow("a.yml", "on: [push\n").definition.parseError !== null, true);
  assert.deepEqual(parseUses("actions/cache@v4", "j", 0), { uses: "actions/cache@v4", kind: "action", name: "actions/cache", ref: "v4", pinned: false, job: "j", step: 0 });
  assert.equal(parseWorkflow("a.yml", "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n").definition.selfHostedRunners, false);
});

test("retry policy: retry-after, reset, ≥1 minute growing, transient back-off, give up", () => {
  const now = 1_000_000_000_000;
  const p = DEFAULT_RETRY_POLICY;
  const r0 = { transient: 0, rateLimit: 0 };
  assert.deepEqual(decide({ status: 403, headers: { "retry-after": "30" } }, r0, now, p), { action: "retry", waitMs: 30_000, kind: "rate-limit", reason: "retry-after 30s" });
  const reset = decide({ status: 200, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 120) }, graphqlErrorTypes: ["RATE_LIMITED"] }, r0, now, p);
  assert.equal(reset.action, "retry"); assert.equal((reset as { waitMs: number }).waitMs, 121_000);
  assert.equal((decide({ status: 429, headers: {} }, { transient: 0, rateLimit: 2 }, now, p) as { waitMs: number }).waitMs, 240_000);
  assert.equal(decide({ status: 403, headers: {}, message: "Resource not accessible" }, r0, now, p).action, "fail", "a plain 403 is a permission answer");
  assert.equal((decide({ status: 502, headers: {} }, { transient: 2, rateLimit: 0 }, now, p) as { waitMs: number }).waitMs, 4000);
  assert.equal(decide({ timeout: true, headers: {} }, { transient: 4, rateLimit: 0 }, now, p).action, "fail");
  assert.equal(decide({ status: 429, headers: { "retry-after": "3600" } }, r0, now, p).action, "stop", "too long a wait stops the run");
  assert.ok(inReserve(499, 5000, 0.1) && !inReserve(501, 5000, 0.1));
});

test("App JWT: RS256, iss = App ID, at most 10 minutes", () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwt = appJwt("123", privateKey.export({ type: "pkcs8", format: "pem" }).toString(), 1_700_000_000);
  const [h, p, s] = jwt.split(".");
  assert.ok(crypto.verify("RSA-SHA256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url")));
  assert.deepEqual(JSON.parse(Buffer.from(h, "base64url").toString()), { alg: "RS256", typ: "JWT" });
  const claims = JSON.parse(Buffer.from(p, "base64url").toString());
  assert.equal(claims.iss, 123);
  assert.ok(claims.exp - claims.iat <= 600);
});

test("alert transforms follow GitHub's states and never copy a secret", () => {
  const raw = { number: 3, created_at: "", updated_at: "", html_url: "u", state: "resolved", resolution: "wont_fix", resolved_at: "2025-01-01T00:00:00Z", resolution_comment: "c",
    secret_type: "aws_access_key_id", secret: "AKIAREALSECRET", validity: "active" } as never;
  const f = secretScanningFinding(raw);
  assert.ok(!JSON.stringify(f).includes("AKIAREALSECRET"));
  assert.deepEqual(f.sourceState, { state: "DISMISSED", dismissReason: "wont_fix", dismissComment: "c", at: new Date("2025-01-01T00:00:00Z") });
  assert.equal(secretScanningFinding({ ...(raw as object), resolution: "revoked" } as never).sourceState!.state, "FIXED");
  assert.deepEqual(cwesFromTags(["security", "external/cwe/cwe-079", "external/cwe/cwe-89"]), ["CWE-79", "CWE-89"]);
  const cs = codeScanningFinding({ number: 9, state: "fixed", fixed_at: "2025-02-02T00:00:00Z", rule: { id: "js/xss", severity: "warning", security_severity_level: "critical" }, tool: { name: "CodeQL", version: "2" } } as never);
  assert.equal(cs.severity, "CRITICAL"); assert.equal(cs.sourceState!.state, "FIXED"); assert.equal(cs.fingerprint, "gh-alert:9");
  const d = dependabotFinding({ number: 1, state: "AUTO_DISMISSED", autoDismissedAt: "2025-03-03T00:00:00Z", dependencyScope: "DEVELOPMENT", vulnerableManifestPath: "p", vulnerableRequirements: "= 1.0.0",
    securityVulnerability: { severity: "MODERATE", vulnerableVersionRange: "< 1.0.1", firstPatchedVersion: { identifier: "1.0.1" }, package: { ecosystem: "NPM", name: "x" } },
    securityAdvisory: { ghsaId: "GHSA-aaaa-bbbb-cccc", summary: "s", permalink: "l", severity: "MODERATE", cvssSeverities: null, identifiers: [{ type: "CVE", value: "CVE-2025-1" }] } } as never, ["CWE-1"]);
  assert.equal(d.severity, "MEDIUM"); assert.equal(d.vulnerabilityId, "CVE-2025-1"); assert.equal(d.sourceState!.state, "DISMISSED");
  assert.equal(d.packageVersion, "1.0.0"); assert.equal(d.details.dependencyScope, "development");
});
