import { test } from "node:test";
import assert from "node:assert/strict";
import { ADO_POLICY_TYPES, AdoPolicy, effectiveAdoProtection } from "../inventory/ado-policies";
import { isClassicAzure, RepositorySecurity, Tri } from "../inventory/settings";
import type { CheckOutcome, CheckStatus } from "./check.types";
import type { AdoPipelineTarget, PostureTarget, RepositoryTarget, SecureFileTarget, ServiceConnectionTarget, VariableGroupTarget } from "./targets";
import { azureDevOpsChecks } from "./azure-devops.checks";

const REPO = "7b0c8e4a-0c8a-4a7e-9d0e-2f6f1b3e9a11";
const scope = (refName = "refs/heads/main") => [{ refName, matchKind: "Exact", repositoryId: REPO }];
const reviewers = (settings: AdoPolicy["settings"] = {}): AdoPolicy => ({
  id: 11, typeId: ADO_POLICY_TYPES.minimumReviewers, isEnabled: true, isBlocking: true, isDeleted: false,
  settings: { minimumApproverCount: 2, creatorVoteCounts: false, resetOnSourcePush: true, scope: scope(), ...settings },
});
const build: AdoPolicy = { id: 12, typeId: ADO_POLICY_TYPES.build, isEnabled: true, isBlocking: true, settings: { buildDefinitionId: 4, scope: scope() } };

const security: RepositorySecurity = {
  secretScanning: "unknown", pushProtection: "unknown", codeScanning: "unknown", dependabotAlerts: "unknown",
  codeowners: { present: "unknown", path: null, errors: [] }, visibility: "PRIVATE", archived: false, advancedSecurity: false,
};
const repo = (policies: AdoPolicy[] | null, branch: string | null = "refs/heads/main"): RepositoryTarget => ({
  kind: "repository", platform: "AZURE_DEVOPS", org: "fabrikam", name: "fabrikam/payments/api", repository: "fabrikam/payments/api",
  archived: false, visibility: "PRIVATE", protection: effectiveAdoProtection(branch, REPO, policies), security,
});
const base = { platform: "AZURE_DEVOPS" as const, org: "fabrikam" };
const pipeline = (enabled: Tri, secretsAvailable: Tri): AdoPipelineTarget => ({
  ...base, kind: "pipeline", name: "fabrikam/payments/ci", pipeline: { kind: "azure-pipeline", name: "ci", project: "payments", forkBuilds: { enabled, secretsAvailable } },
});
const endpoint = (type: string | null, open: Tri): ServiceConnectionTarget => ({
  ...base, kind: "service-connection", name: "fabrikam/payments/deploy-sc",
  connection: { name: "deploy-sc", project: "payments", type: type ?? "", authorizationScheme: "ServicePrincipal", openToAllPipelines: open, classicAzure: isClassicAzure(type) },
});
const group = (hasSecrets: Tri, open: Tri): VariableGroupTarget => ({ ...base, kind: "variable-group", name: "fabrikam/payments/prod-vars", group: { name: "prod-vars", project: "payments", hasSecrets, openToAllPipelines: open } });
const file = (open: Tri): SecureFileTarget => ({ ...base, kind: "secure-file", name: "fabrikam/payments/signing.p12", file: { name: "signing.p12", project: "payments", openToAllPipelines: open } });

type Case = [checkId: string, label: string, target: PostureTarget, status: CheckStatus, assertions?: (o: CheckOutcome) => void];
const cases: Case[] = [
  ["ado.repo.min-reviewers", "two reviewers on main", repo([reviewers()]), "PASS", (o) => assert.deepEqual(o.evidence?.sources, ["policy:11:Minimum number of reviewers"])],
  ["ado.repo.min-reviewers", "policy scoped to refs/heads/release only", repo([reviewers({ scope: scope("refs/heads/release") })]), "FAIL", (o) => assert.equal(o.evidence?.minApprovals, 0)],
  ["ado.repo.min-reviewers", "one reviewer", repo([reviewers({ minimumApproverCount: 1 })]), "FAIL"],
  ["ado.repo.min-reviewers", "policies unreadable", repo(null), "UNKNOWN", (o) => assert.match((o as { reason: string }).reason, /branch policies/)],
  ["ado.repo.creator-vote-counts", "creator's vote does not count", repo([reviewers()]), "PASS"],
  ["ado.repo.creator-vote-counts", "creator's vote counts", repo([reviewers({ creatorVoteCounts: true })]), "FAIL", (o) => assert.equal(o.evidence?.creatorVoteCounts, true)],
  ["ado.repo.creator-vote-counts", "no minimum-reviewers policy", repo([build]), "FAIL", (o) => assert.match(String(o.evidence?.note), /no minimum-reviewers policy/)],
  ["ado.repo.creator-vote-counts", "policies unreadable", repo(null), "UNKNOWN"],
  ["ado.repo.reset-votes", "reset on push", repo([reviewers()]), "PASS"],
  ["ado.repo.reset-votes", "not reset", repo([reviewers({ resetOnSourcePush: false })]), "FAIL"],
  ["ado.repo.reset-votes", "policies unreadable", repo(null), "UNKNOWN"],
  ["ado.repo.build-validation", "build policy", repo([reviewers(), build]), "PASS", (o) => assert.deepEqual(o.evidence?.requiredChecks, ["build:4"])],
  ["ado.repo.build-validation", "optional build policy", repo([{ ...build, isBlocking: false }]), "FAIL", (o) => assert.deepEqual(o.evidence?.evaluateOnly, ["policy:12:Build"])],
  ["ado.repo.build-validation", "policies unreadable", repo(null), "UNKNOWN"],
  ["ado.repo.build-validation", "empty repository", repo([], null), "UNKNOWN"],
  ["ado.pipeline.fork-secrets", "forks built without secrets", pipeline(true, false), "PASS"],
  ["ado.pipeline.fork-secrets", "forks not built", pipeline(false, "unknown"), "PASS"],
  ["ado.pipeline.fork-secrets", "forks get secrets", pipeline(true, true), "FAIL"],
  ["ado.pipeline.fork-secrets", "settings unreadable", pipeline("unknown", true), "UNKNOWN"],
  ["ado.endpoint.open-to-all-pipelines", "authorized per pipeline", endpoint("azurerm", false), "PASS"],
  ["ado.endpoint.open-to-all-pipelines", "open to all", endpoint("azurerm", true), "FAIL"],
  ["ado.endpoint.open-to-all-pipelines", "permissions unreadable", endpoint("azurerm", "unknown"), "UNKNOWN"],
  ["ado.endpoint.classic-azure", "azurerm", endpoint("azurerm", false), "PASS"],
  ["ado.endpoint.classic-azure", "classic azure", endpoint("azure", false), "FAIL", (o) => assert.equal(o.evidence?.type, "azure")],
  ["ado.endpoint.classic-azure", "type unreadable", endpoint(null, false), "UNKNOWN"],
  ["ado.variable-group.open-to-all-pipelines", "secrets, restricted", group(true, false), "PASS"],
  ["ado.variable-group.open-to-all-pipelines", "open, but no secrets", group(false, true), "PASS"],
  ["ado.variable-group.open-to-all-pipelines", "secrets, open to all", group(true, true), "FAIL"],
  ["ado.variable-group.open-to-all-pipelines", "open, secrets unknown", group("unknown", true), "UNKNOWN"],
  ["ado.variable-group.open-to-all-pipelines", "secrets, permissions unknown", group(true, "unknown"), "UNKNOWN"],
  ["ado.secure-file.open-to-all-pipelines", "restricted", file(false), "PASS"],
  ["ado.secure-file.open-to-all-pipelines", "open to all", file(true), "FAIL"],
  ["ado.secure-file.open-to-all-pipelines", "unreadable", file("unknown"), "UNKNOWN"],
];

const byId = new Map(azureDevOpsChecks.map((c) => [c.checkId, c]));
for (const [checkId, label, target, status, more] of cases) {
  test(`${checkId}: ${label} → ${status}`, () => {
    const check = byId.get(checkId)!;
    assert.equal(check.targetKind, target.kind);
    const out = check.evaluate(target, check.parameters, { now: new Date() });
    assert.equal(out.status, status, JSON.stringify(out));
    more?.(out);
  });
}

test("every Azure DevOps check has a PASS, a FAIL and an UNKNOWN case", () => {
  for (const c of azureDevOpsChecks) {
    const seen = new Set(cases.filter((x) => x[0] === c.checkId).map((x) => x[3]));
    assert.deepEqual([...seen].sort(), ["FAIL", "PASS", "UNKNOWN"], c.checkId);
  }
});
