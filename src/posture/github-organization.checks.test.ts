import { test } from "node:test";
import assert from "node:assert/strict";
import { gitHubOrganizationTarget } from "../connectors/github/settings.transform";
import type { OrgSettings } from "../connectors/github/org-settings";
import type { CheckOutcome, CheckStatus } from "./check.types";
import type { OrganizationTarget } from "./targets";
import { githubOrganizationChecks } from "./github-organization.checks";

// organization.settings.github as fetchOrgSettings leaves it: a partial OrgSettings, "unknown" where a 403/404 answered.
const org = (s: Partial<OrgSettings>): OrganizationTarget => gitHubOrganizationTarget("acme", s);
const secrets = (n: number, names: string[] = []) => ({ actionsSecrets: { total: 5, visibleToAllRepositories: n, names } });

type Case = [checkId: string, label: string, target: OrganizationTarget, status: CheckStatus, assertions?: (o: CheckOutcome) => void];
const cases: Case[] = [
  ["github.org.default-workflow-permissions", "read", org({ defaultWorkflowPermissions: "read" }), "PASS"],
  ["github.org.default-workflow-permissions", "write", org({ defaultWorkflowPermissions: "write" }), "FAIL"],
  ["github.org.default-workflow-permissions", "403 without owner rights", org({ defaultWorkflowPermissions: "unknown" }), "UNKNOWN",
    (o) => assert.match((o as { reason: string }).reason, /owner/)],
  ["github.org.secrets-all-repositories", "none shared with all", org(secrets(0)), "PASS"],
  ["github.org.secrets-all-repositories", "one shared with all", org(secrets(1, ["NPM_TOKEN"])), "FAIL", (o) => assert.deepEqual(o.evidence?.names, ["NPM_TOKEN"])],
  ["github.org.secrets-all-repositories", "list unreadable", org({ actionsSecrets: "unknown" }), "UNKNOWN"],
  ["github.org.base-permission", "read", org({ basePermission: "read" }), "PASS"],
  ["github.org.base-permission", "none", org({ basePermission: "none" }), "PASS"],
  ["github.org.base-permission", "write", org({ basePermission: "write" }), "FAIL"],
  ["github.org.base-permission", "unknown", org({ basePermission: "unknown" }), "UNKNOWN"],
  ["github.org.two-factor", "required", org({ twoFactorRequired: true }), "PASS"],
  ["github.org.two-factor", "not required", org({ twoFactorRequired: false }), "FAIL"],
  ["github.org.two-factor", "never read", org({}), "UNKNOWN"],
  ["github.org.multiple-admins", "three owners", org({ adminCount: 3 }), "PASS"],
  ["github.org.multiple-admins", "one owner", org({ adminCount: 1 }), "FAIL", (o) => assert.equal(o.evidence?.adminCount, 1)],
  ["github.org.multiple-admins", "no owner visible", org({ adminCount: 0 }), "UNKNOWN"],
  ["github.org.multiple-admins", "list unreadable", org({ adminCount: "unknown" }), "UNKNOWN"],
];

const byId = new Map(githubOrganizationChecks.map((c) => [c.checkId, c]));
for (const [checkId, label, target, status, more] of cases) {
  test(`${checkId}: ${label} → ${status}`, () => {
    const check = byId.get(checkId)!;
    const out = check.evaluate(target, check.parameters, { now: new Date() });
    assert.equal(out.status, status, JSON.stringify(out));
    more?.(out);
  });
}

test("every GitHub organization check has a PASS, a FAIL and an UNKNOWN case", () => {
  for (const c of githubOrganizationChecks) {
    const seen = new Set(cases.filter((x) => x[0] === c.checkId).map((x) => x[3]));
    assert.deepEqual([...seen].sort(), ["FAIL", "PASS", "UNKNOWN"], c.checkId);
  }
});
