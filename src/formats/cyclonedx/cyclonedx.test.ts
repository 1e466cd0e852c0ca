import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCycloneDx } from "./cyclonedx.parse";
import { loadFixture } from "../../../test/fixtures/real-fixtures";
import { FindingCategory as C, IngestInputError, Severity as S } from "../sarif";

test("cyclonedx-vex: not_affected vendor statement → one suppressed HIGH finding; 0.0 override ignored for severity", () => {
  const log = parseCycloneDx(loadFixture("cyclonedx-vex.json"));
  assert.equal(log.resultCount, 1);
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  assert.deepEqual([run.tool, run.toolVersion, run.analysisCategory], ["cyclonedx", null, "cyclonedx"]);
  assert.equal(run.findings.length, 1);
  const f = run.findings[0];
  assert.equal(f.ruleId, "CVE-2020-25649");
  assert.equal(f.vulnerabilityId, "CVE-2020-25649");
  assert.equal(f.category, C.DEPENDENCY);
  assert.equal(f.severity, S.HIGH, "Snyk 8.2 is the most severe real rating; Acme's 0.0/none is an override");
  assert.equal(f.details.securitySeverity, 8.2);
  assert.equal(f.cvssScore, 8.2);
  assert.equal(f.cvssVector, "AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N");
  assert.deepEqual(f.cwes, ["CWE-611"]);
  // The BOM-Link points into another BOM; its fragment is a purl, so the package is still known.
  assert.equal(f.packageName, "com.fasterxml.jackson.core:jackson-databind");
  assert.equal(f.packageVersion, "2.10.0");
  assert.equal(f.details.purl, "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar");
  assert.equal(f.fixedVersion, "2.10.5.1", "the recommendation's fix on the installed 2.10 line");
  assert.equal(f.suppressed, true);
  assert.equal(f.details.analysisState, "not_affected");
  assert.match(f.suppressionReason ?? "", /^code_not_reachable: Automated dataflow analysis/);
  assert.equal(f.title, "CVE-2020-25649 in com.fasterxml.jackson.core:jackson-databind@2.10.0");
  assert.match(f.message, /^com\.fasterxml\.jackson\.core:jackson-databind is a library/);
  assert.match(f.fingerprint, /^h:[0-9a-f]{64}$/);
  assert.equal(f.path, null);
  assert.ok(log.warnings.some((w) => /do not resolve to a component.*purl/.test(w)));
  assert.deepEqual(run.rules.map((r) => [r.ruleId, r.helpUri, r.securitySeverity]), [["CVE-2020-25649", "https://nvd.nist.gov/vuln/detail/CVE-2020-25649", 8.2]]);
});

test("cyclonedx-vex-multi: repeated ids merge per (id, product); resolved-only pairs vanish", () => {
  const log = parseCycloneDx(loadFixture("cyclonedx-vex-multi.json"));
  assert.equal(log.resultCount, 8);
  const run = log.runs[0];
  // 8 statements × their affects = 13 (id, ref) statements over 4 distinct pairs. Every pair has an
  // "exploitable" statement for some versions, so every pair is open; the resolved statements only
  // contribute fixed versions.
  assert.deepEqual(run.findings.map((f) => [f.ruleId, (f.packageName ?? "").split("#")[1], f.severity, f.details.securitySeverity, f.suppressed, f.details.analysisState, f.fixedVersion]), [
    ["CVE-2021-44228", "product-ABC", S.CRITICAL, 10, false, "exploitable", "4.2"],
    ["CVE-2021-44228", "product-JKL", S.CRITICAL, 10, false, "exploitable", "5.1"],
    ["CVE-2021-45105", "product-ABC", S.MEDIUM, 5.9, false, "exploitable", "4.2"],
    ["CVE-2021-45105", "product-JKL", S.MEDIUM, 5.9, false, "exploitable", "5.2"],
  ]);
  assert.deepEqual(run.findings[3].details.affectedVersions, ["vers:generic/>=4.5|<=5.0", "5.1"]);
  assert.ok(run.findings.every((f) => f.category === C.DEPENDENCY && f.packageVersion === null && f.suppressionReason === null));
  assert.equal(run.findings[0].packageName, "urn:cdx:cbb2cd68-2857-43b8-a10b-e8c03d277d18/1#product-ABC");
  assert.equal(run.findings[0].title, "CVE-2021-44228 in product-ABC");
  assert.equal(new Set(run.findings.map((f) => f.fingerprint)).size, 4);
  assert.deepEqual(run.rules.map((r) => r.ruleId), ["CVE-2021-44228", "CVE-2021-45105"]);
  assert.ok(log.warnings.some((w) => /^11 vulnerability statements .* merged/.test(w)));
  assert.ok(log.warnings.some((w) => /4 affected ref\(s\) do not resolve/.test(w)));
});

function bom(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    serialNumber: "urn:uuid:11111111-2222-3333-4444-555555555555",
    metadata: { tools: { components: [{ name: "trivy", version: "0.50.0" }] }, component: { "bom-ref": "app", name: "my-app", type: "application" } },
    components: [
      { "bom-ref": "pkg:npm/%40babel/traverse@7.20.0", name: "traverse", group: "@babel", version: "7.20.0", purl: "pkg:npm/%40babel/traverse@7.20.0" },
      { "bom-ref": "lodash-ref", name: "lodash", version: "4.17.20", components: [{ "bom-ref": "nested", name: "inner", version: "1.0.0" }] },
    ],
    ...extra,
  };
}

test("cyclonedx: components resolve by bom-ref (nested, and BOM-Links into this BOM), states and ratings", () => {
  const log = parseCycloneDx(bom({
    vulnerabilities: [
      { id: "GHSA-67hx-6x53-jw92", ratings: [{ severity: "critical" }], affects: [{ ref: "pkg:npm/%40babel/traverse@7.20.0" }], recommendation: "Upgrade to 7.23.2" },
      { id: "CVE-2021-23337", ratings: [{ score: 7.2, method: "CVSSv31", vector: "CVSS:3.1/AV:N" }], analysis: { state: "false_positive", detail: "not used" },
        affects: [{ ref: "urn:cdx:11111111-2222-3333-4444-555555555555/1#lodash-ref" }, { ref: "nested" }] },
      { id: "CVE-2020-0001", affects: [{ ref: "lodash-ref" }], analysis: { state: "resolved" } },
      { id: "CVE-2020-0002", ratings: [], affects: [{ ref: "lodash-ref" }], analysis: { state: "in_triage" } },
    ],
  }));
  const run = log.runs[0];
  assert.deepEqual([run.tool, run.toolVersion, run.analysisCategory], ["trivy", "0.50.0", "cyclonedx:trivy:my-app"]);
  assert.deepEqual(run.findings.map((f) => [f.ruleId, f.packageName, f.packageVersion, f.severity, f.suppressed, f.fixedVersion]), [
    ["GHSA-67hx-6x53-jw92", "@babel/traverse", "7.20.0", S.CRITICAL, false, "7.23.2"],
    ["CVE-2021-23337", "lodash", "4.17.20", S.HIGH, true, null],
    ["CVE-2021-23337", "inner", "1.0.0", S.HIGH, true, null],
    ["CVE-2020-0002", "lodash", "4.17.20", S.MEDIUM, false, null],
  ]);
  assert.equal(run.findings[0].vulnerabilityId, "GHSA-67hx-6x53-jw92");
  assert.equal(run.findings[0].cvssScore, null, "a label-only rating has no CVSS score");
  assert.equal(run.findings[1].suppressionReason, "not used");
  assert.equal(run.findings[1].cvssVector, "CVSS:3.1/AV:N");
  assert.ok(log.warnings.some((w) => /1 \(vulnerability id, affected ref\) pair\(s\) are only marked resolved/.test(w)));
  assert.ok(log.warnings.some((w) => /no usable rating; severity MEDIUM/.test(w)));
  assert.ok(!log.warnings.some((w) => /do not resolve/.test(w)));
});

test("cyclonedx: fingerprint is (vulnerability id, ref) — stable across re-parses and independent of state", () => {
  const a = parseCycloneDx(bom({ vulnerabilities: [{ id: "CVE-2020-0002", affects: [{ ref: "lodash-ref" }] }] }));
  const b = parseCycloneDx(bom({ vulnerabilities: [{ id: "CVE-2020-0002", affects: [{ ref: "lodash-ref" }], analysis: { state: "not_affected" } }] }));
  assert.equal(a.runs[0].findings[0].fingerprint, b.runs[0].findings[0].fingerprint);
  assert.equal(b.runs[0].findings[0].suppressed, true);
});

test("cyclonedx: options override category and finding category; empty vulnerabilities is fine", () => {
  const log = parseCycloneDx(bom({ vulnerabilities: [{ id: "CVE-2020-0002", affects: [{ ref: "lodash-ref" }] }] }), { category: "sbom", findingCategory: C.CONTAINER });
  assert.equal(log.runs[0].analysisCategory, "sbom");
  assert.equal(log.runs[0].findings[0].category, C.CONTAINER);
  const empty = parseCycloneDx({ bomFormat: "CycloneDX", specVersion: "1.4" });
  assert.equal(empty.runs[0].findings.length, 0);
  assert.equal(empty.resultCount, 0);
});

test("cyclonedx: malformed input is refused with a precise IngestInputError", () => {
  const cases: [unknown, string, RegExp][] = [
    [[], "INVALID_CYCLONEDX", /must be a JSON object, got array/],
    [{ bomFormat: "SPDX", specVersion: "1.4" }, "INVALID_CYCLONEDX", /bomFormat: must be "CycloneDX", got "SPDX"/],
    [{ bomFormat: "CycloneDX", specVersion: "1.3" }, "UNSUPPORTED_VERSION", /1\.4–1\.6.*found "1\.3"/],
    [{ bomFormat: "CycloneDX" }, "UNSUPPORTED_VERSION", /found null/],
    [{ bomFormat: "CycloneDX", specVersion: "1.5", vulnerabilities: {} }, "INVALID_CYCLONEDX", /^vulnerabilities: must be an array, got object/],
    [{ bomFormat: "CycloneDX", specVersion: "1.5", vulnerabilities: [1] }, "INVALID_CYCLONEDX", /^vulnerabilities\[0\]: must be an object, got number/],
    [{ bomFormat: "CycloneDX", specVersion: "1.5", vulnerabilities: [{ affects: [] }] }, "INVALID_CYCLONEDX", /^vulnerabilities\[0\]\.id: must be a non-empty string/],
    [{ bomFormat: "CycloneDX", specVersion: "1.5", vulnerabilities: [{ id: "X", affects: [{ ref: 3 }] }] }, "INVALID_CYCLONEDX", /^vulnerabilities\[0\]\.affects\[0\]\.ref/],
    [{ bomFormat: "CycloneDX", specVersion: "1.5", vulnerabilities: [{ id: "X", affects: "a" }] }, "INVALID_CYCLONEDX", /affects: must be an array/],
  ];
  for (const [input, code, re] of cases) {
    assert.throws(() => parseCycloneDx(input), (e: unknown) => e instanceof IngestInputError && e.code === code && re.test(e.message) && e.httpStatus === 400, `${code} ${re}`);
  }
  const big = { bomFormat: "CycloneDX", specVersion: "1.6", vulnerabilities: [{ id: "X", affects: [{ ref: "a" }, { ref: "b" }, { ref: "c" }] }] };
  assert.throws(() => parseCycloneDx(big, { maxResultsPerRun: 2 }), (e: unknown) => e instanceof IngestInputError && e.code === "TOO_LARGE" && e.httpStatus === 413);
});
