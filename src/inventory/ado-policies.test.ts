import { test } from "node:test";
import assert from "node:assert/strict";
import { ADO_POLICY_TYPES, AdoPolicy, effectiveAdoProtection, scopeMatches } from "./ado-policies";
import { isClassicAzure } from "./settings";

const REPO = "7b0c8e4a-0c8a-4a7e-9d0e-2f6f1b3e9a11";
const policy = (typeId: string, settings: AdoPolicy["settings"], over: Partial<AdoPolicy> = {}): AdoPolicy => ({
  id: 1, typeId, isEnabled: true, isBlocking: true, isDeleted: false,
  settings: { scope: [{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: REPO }], ...settings }, ...over,
});
const reviewers = (n: number, extra: AdoPolicy["settings"] = {}, over: Partial<AdoPolicy> = {}) =>
  policy(ADO_POLICY_TYPES.minimumReviewers, { minimumApproverCount: n, creatorVoteCounts: false, resetOnSourcePush: true, ...extra }, over);

test("scopes: exact, prefix, default branch, project-wide (repositoryId null), another repository", () => {
  assert.ok(scopeMatches({ refName: "refs/heads/main", matchKind: "Exact", repositoryId: REPO }, "main", REPO));
  assert.ok(scopeMatches({ refName: "refs/heads/Main", matchKind: "exact", repositoryId: REPO.toUpperCase() }, "refs/heads/main", REPO), "case-insensitive");
  assert.ok(scopeMatches({ refName: "refs/heads/", matchKind: "Prefix", repositoryId: null }, "main", REPO));
  assert.ok(scopeMatches({ matchKind: "DefaultBranch", repositoryId: null }, "develop", REPO));
  assert.ok(!scopeMatches({ refName: "refs/heads/release", matchKind: "Exact", repositoryId: REPO }, "main", REPO));
  assert.ok(!scopeMatches({ refName: "refs/heads/release/", matchKind: "Prefix", repositoryId: REPO }, "main", REPO));
  assert.ok(!scopeMatches({ refName: "refs/heads/main", matchKind: "Exact", repositoryId: "other" }, "main", REPO));
});

test("a minimum-reviewers policy on refs/heads/release only does not protect main", () => {
  const p = effectiveAdoProtection("refs/heads/main", REPO, [reviewers(2, { scope: [{ refName: "refs/heads/release", matchKind: "Exact", repositoryId: REPO }] })]);
  assert.equal(p.protected, false);
  assert.equal(p.minApprovals, 0);
  assert.deepEqual(p.sources, []);
});

test("applying blocking policies merge, most restrictive wins", () => {
  const p = effectiveAdoProtection("main", REPO, [
    reviewers(1, { creatorVoteCounts: true }, { id: 1 }),
    reviewers(2, { creatorVoteCounts: false, resetOnSourcePush: false, scope: [{ matchKind: "DefaultBranch", repositoryId: null }] }, { id: 2 }),
    policy(ADO_POLICY_TYPES.build, { buildDefinitionId: 17, displayName: "CI" }, { id: 3 }),
    policy(ADO_POLICY_TYPES.comments, {}, { id: 4 }),
  ]);
  assert.equal(p.protected, true);
  assert.equal(p.minApprovals, 2);
  assert.equal(p.creatorVoteCounts, false, "one policy ignoring the creator's vote is enough");
  assert.equal(p.resetApprovalsOnPush, true);
  assert.equal(p.requireBuildValidation, true);
  assert.equal(p.requireConversationResolution, true);
  assert.deepEqual(p.requiredChecks, ["build:CI"]);
  assert.deepEqual(p.sources, ["policy:1:Minimum number of reviewers", "policy:2:Minimum number of reviewers", "policy:3:Build (CI)", "policy:4:Comment requirements"]);
  assert.equal(p.blockForcePushes, "unknown", "git permissions, not policies");
});

test("disabled, deleted and optional policies protect nothing; optional ones are listed", () => {
  const p = effectiveAdoProtection("main", REPO, [
    reviewers(2, {}, { id: 5, isEnabled: false }), reviewers(2, {}, { id: 6, isDeleted: true }), reviewers(3, {}, { id: 7, isBlocking: false }),
  ]);
  assert.equal(p.protected, false);
  assert.equal(p.minApprovals, 0);
  assert.deepEqual(p.evaluateOnly, ["policy:7:Minimum number of reviewers"]);
});

test("policies that could not be read leave everything unknown; an empty repository has no branch", () => {
  const p = effectiveAdoProtection("main", REPO, null);
  assert.equal(p.protected, "unknown");
  assert.equal(p.minApprovals, "unknown");
  assert.deepEqual(p.unreadable, ["branch policies"]);
  assert.equal(effectiveAdoProtection(null, REPO, []).branch, null);
});

test("classic Azure service connections are type azure, not azurerm", () => {
  assert.equal(isClassicAzure("azure"), true);
  assert.equal(isClassicAzure("AzureRM"), false);
  assert.equal(isClassicAzure(null), "unknown");
});
