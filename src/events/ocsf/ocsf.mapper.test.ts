import { test } from "node:test";
import assert from "node:assert/strict";
import { FindingCategory, FindingEventType, FindingState, Severity } from "../../common/types";
import { ocsfActivityFor, ocsfClassFor, ocsfStatusFor, toOcsf } from "./ocsf.mapper";
import { cvssVersion, normalizeCwe } from "./ocsf.vulnerability";
import { event, fullFinding, sparseFinding } from "../../../test/fixtures/ocsf.fixtures";

const E = FindingEventType;
const any = (v: unknown): any => v;

test("class per category: vulnerability for code/dependency/container, detection for secrets, compliance for IaC/posture", () => {
  const cls = (category: FindingCategory, o = {}) => ocsfClassFor(fullFinding({ category, ...o }));
  assert.equal(cls(FindingCategory.CODE), 2002);
  assert.equal(cls(FindingCategory.DEPENDENCY), 2002);
  assert.equal(cls(FindingCategory.CONTAINER), 2002);
  assert.equal(cls(FindingCategory.SECRET), 2004);
  assert.equal(cls(FindingCategory.IAC), 2003);
  assert.equal(cls(FindingCategory.POSTURE), 2003);
  assert.equal(cls(FindingCategory.CODE, { vulnerabilityId: null, cwes: ["CWE-79"] }), 2002);
  assert.equal(cls(FindingCategory.CODE, { vulnerabilityId: null, cwes: [] }), 2004, "no CVE/CWE: detection fallback");
  assert.equal(cls(FindingCategory.CODE, { vulnerabilityId: null, cwes: ["not-a-cwe"] }), 2004);
});

test("activity: CREATED → Create, FIXED/DISMISSED → Close, the rest → Update", () => {
  const want: Record<FindingEventType, number> = {
    CREATED: 1, UPDATED: 2, FIXED: 3, REOPENED: 2, DISMISSED: 3, ASSIGNED: 2, PRIORITY_CHANGED: 2,
  };
  for (const [t, a] of Object.entries(want)) assert.equal(ocsfActivityFor(t as FindingEventType), a, t);
});

test("status: the event decides for FIXED/DISMISSED/REOPENED/CREATED, else the state", () => {
  const s = (t: FindingEventType, state: FindingState) => ocsfStatusFor(t, { state });
  assert.equal(s(E.FIXED, FindingState.OPEN), 4);
  assert.equal(s(E.DISMISSED, FindingState.OPEN), 3);
  assert.equal(s(E.REOPENED, FindingState.FIXED), 1);
  assert.equal(s(E.CREATED, FindingState.OPEN), 1);
  assert.equal(s(E.UPDATED, FindingState.OPEN), 1);
  assert.equal(s(E.ASSIGNED, FindingState.DISMISSED), 3);
  assert.equal(s(E.PRIORITY_CHANGED, FindingState.FIXED), 4);
});

test("a dependency finding carries CVE, CVSS, EPSS, KEV, package, fix and location", () => {
  const e = any(toOcsf(event(E.CREATED, fullFinding()), { name: "Posturegraph", version: "0.1.0" }));
  assert.equal(e.type_uid, 200201);
  assert.equal(e.time, Date.parse("2025-02-01T09:30:00.123Z"));
  assert.deepEqual(e.metadata, { product: { name: "Posturegraph", version: "0.1.0", vendor_name: "Posturegraph" }, version: "1.3.0", uid: "evt-000000000042" });
  assert.equal(e.severity_id, 4);
  const v = e.vulnerabilities[0];
  assert.deepEqual(v.cve.cvss, [{ base_score: 8.2, version: "3.1", vector_string: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N" }]);
  assert.deepEqual(v.cve.epss, { score: "0.94321", percentile: 0.99912 });
  assert.deepEqual(v.cwe, { uid: "CWE-287" });
  assert.equal(v.is_exploit_available, true);
  assert.equal(v.fix_available, true);
  assert.deepEqual(v.affected_packages, [{ name: "sonicos", version: "7.1.1" }]);
  assert.equal(v.remediation.desc, "Upgrade sonicos to 7.1.3 or later.");
  assert.deepEqual(v.affected_code[0], {
    file: { name: "package-lock.json", path: "services/api/package-lock.json", type_id: 1, type: "Regular File" },
    start_line: 12, end_line: 14,
  });
  assert.deepEqual(e.resources.map((r: any) => r.name), ["acme/api", "api-prod"]);
  assert.equal(e.unmapped.priority_level, "P0");
  assert.equal(e.unmapped.priority_score, 71);
});

test("not on KEV leaves is_exploit_available out (absence from KEV proves nothing)", () => {
  const e = any(toOcsf(event(E.UPDATED, fullFinding({ kev: false }))));
  assert.equal("is_exploit_available" in e.vulnerabilities[0], false);
});

test("a CVSS score without a versioned vector goes to unmapped, not into cve.cvss", () => {
  const e = any(toOcsf(event(E.UPDATED, fullFinding({ cvssVector: null }))));
  assert.equal(e.vulnerabilities[0].cve.cvss, undefined);
  assert.equal(e.unmapped.cvss_score, 8.2);
});

test("a SAST finding with a CWE only is a vulnerability finding with a cwe and its location", () => {
  const e = any(toOcsf(event(E.CREATED, sparseFinding({
    category: FindingCategory.CODE, cwes: ["external/cwe/cwe-79", "CWE-80"], path: "src/app.ts", startLine: 3,
  }))));
  assert.equal(e.class_uid, 2002);
  assert.deepEqual(e.vulnerabilities[0].cwe, { uid: "CWE-79" });
  assert.equal(e.vulnerabilities[0].cve, undefined);
  assert.deepEqual(e.unmapped.cwes, ["CWE-79", "CWE-80"]);
  assert.equal(e.message, "SonicOS SSLVPN improper authentication", "falls back to the title without a message");
});

test("a secret is a detection finding with the file as evidence; closing it is not an alert", () => {
  const f = fullFinding({ category: FindingCategory.SECRET, severity: Severity.CRITICAL, vulnerabilityId: null, path: "config/.env", startLine: 4, endLine: 4 });
  const open = any(toOcsf(event(E.CREATED, f)));
  assert.equal(open.class_uid, 2004);
  assert.equal(open.type_uid, 200401);
  assert.equal(open.severity_id, 5);
  assert.equal(open.is_alert, true);
  assert.deepEqual(open.evidences, [{ file: { name: ".env", path: "config/.env", type_id: 1, type: "Regular File" }, data: { start_line: 4, end_line: 4 } }]);
  assert.equal(open.vulnerabilities, undefined);
  const closed = any(toOcsf(event(E.FIXED, { ...f, state: FindingState.FIXED, fixedAt: new Date("2025-02-01T09:00:00Z") })));
  assert.equal(closed.type_uid, 200403);
  assert.equal(closed.status_id, 4);
  assert.equal(closed.is_alert, false);
  assert.equal(closed.unmapped.fixed_at, Date.parse("2025-02-01T09:00:00Z"));
});

test("posture and IaC findings are compliance findings: Fail while open, Pass once fixed", () => {
  const f = sparseFinding({ category: FindingCategory.POSTURE, ruleId: "branch-protection-disabled", tool: "posturegraph-posture" });
  const open = any(toOcsf(event(E.CREATED, f)));
  assert.deepEqual(open.compliance, { standards: ["posturegraph-posture"], control: "branch-protection-disabled", status_id: 3, status: "Fail" });
  const fixed = any(toOcsf(event(E.FIXED, { ...f, state: FindingState.FIXED })));
  assert.equal(fixed.compliance.status_id, 1);
  const dismissed = any(toOcsf(event(E.DISMISSED, { ...f, state: FindingState.DISMISSED, dismissReason: "ACCEPTED_RISK" })));
  assert.equal(dismissed.status, "Suppressed");
  assert.equal(dismissed.compliance.status, "Fail", "a dismissed check still fails");
  assert.equal(dismissed.unmapped.dismiss_reason, "ACCEPTED_RISK");
});

test("severity ids 1..5 follow INFO..CRITICAL", () => {
  const ids = [Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]
    .map((severity) => any(toOcsf(event(E.UPDATED, fullFinding({ severity })))).severity_id);
  assert.deepEqual(ids, [1, 2, 3, 4, 5]);
});

test("without a product the event still names Posturegraph; the mapper does not mutate its input", () => {
  const input = event(E.UPDATED, fullFinding());
  const before = JSON.stringify(input);
  const e = any(toOcsf(input));
  assert.deepEqual(e.metadata.product, { name: "Posturegraph", vendor_name: "Posturegraph" });
  assert.equal(JSON.stringify(input), before);
});

test("cvssVersion and normalizeCwe", () => {
  assert.equal(cvssVersion("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), "4.0");
  assert.equal(cvssVersion("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), "3.0");
  assert.equal(cvssVersion("AV:N/AC:L/Au:N/C:P/I:P/A:P"), "2.0");
  assert.equal(cvssVersion("garbage"), null);
  assert.equal(cvssVersion(null), null);
  assert.equal(normalizeCwe("external/cwe/cwe-079"), "CWE-79");
  assert.equal(normalizeCwe("cwe-22"), "CWE-22");
  assert.equal(normalizeCwe("89"), "CWE-89");
  assert.equal(normalizeCwe("security"), null);
});
