import { test } from "node:test";
import assert from "node:assert/strict";
import { countBy, loadFixture } from "../../../test/fixtures/real-fixtures";
import { parseSarif } from "./sarif.parse";
import { FindingCategory as C, ParsedFinding, ParsedLog, Severity as S } from "./types";

const parse = (name: string): ParsedLog => parseSarif(loadFixture(name));
const lines = (f: ParsedFinding) => [f.startLine, f.endLine, f.startColumn, f.endColumn];

function assertCommon(log: ParsedLog): void {
  for (const run of log.runs) {
    const fps = run.findings.map((f) => f.fingerprint);
    assert.equal(new Set(fps).size, fps.length, "fingerprints are unique within a run");
    for (const f of run.findings) {
      assert.match(f.fingerprint, /^(pf|fp|h):[0-9a-f]{64}(:\d+)?$/);
      assert.ok(f.fingerprint.length <= 128);
      assert.ok(f.title.length > 0 && f.title.length <= 300);
      assert.doesNotMatch(f.message, /\{\d+\}/, "no unfilled placeholders");
      assert.equal(f.tool, run.tool);
      const ruleIds = new Set(run.rules.map((r) => r.ruleId));
      assert.ok(ruleIds.has(f.ruleId), `rule record exists for ${f.ruleId}`);
    }
  }
}

test("codeql-python: one CRITICAL code-injection finding, rule resolved by index over a duplicate id", () => {
  const log = parse("codeql-python.sarif");
  assertCommon(log);
  assert.equal(log.resultCount, 1);
  assert.deepEqual(log.warnings, []);
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  assert.deepEqual([run.tool, run.toolVersion, run.analysisCategory], ["CodeQL", "2.11.0", "CodeQL"]);
  assert.equal(run.rules.length, 43, "47 declared rules, 43 distinct ids");
  assert.equal(run.findings.length, 1);
  const f = run.findings[0];
  assert.equal(f.ruleId, "py/code-injection");
  assert.equal(f.category, C.CODE);
  // rules[45] (security-severity 10.0) is referenced by index; rules[10] shares the id with 9.3.
  assert.equal(f.severity, S.CRITICAL);
  assert.equal(f.details.securitySeverity, 10);
  assert.equal(run.rules.find((r) => r.ruleId === "py/code-injection")?.securitySeverity, 10);
  assert.equal(f.title, "Code injection");
  assert.equal(f.message, "A user-provided value flows to here and is interpreted as code.");
  assert.equal(f.path, "main.py");
  assert.deepEqual(lines(f), [21, 21, 10, 20]);
  assert.deepEqual(f.cwes, ["CWE-94", "CWE-95", "CWE-116"]);
  assert.match(f.fingerprint, /^pf:/);
  assert.equal(f.details.kind, "fail");
  assert.equal(f.suppressed, false);
  assert.equal(f.vulnerabilityId, null);
});

test("codeql-multirun: two drivers are two analyses", () => {
  const log = parse("codeql-multirun.sarif");
  assertCommon(log);
  assert.equal(log.resultCount, 3);
  assert.deepEqual(log.runs.map((r) => [r.tool, r.toolVersion, r.analysisCategory, r.findings.length]), [
    ["LGTM.com", "1.24.0-SNAPSHOT", "LGTM.com", 1],
    ["CodeQL command-line toolchain", "2.0.0", "CodeQL command-line toolchain", 2],
  ]);
  const all = log.runs.flatMap((r) => r.findings);
  assert.ok(all.every((f) => f.severity === S.LOW && f.category === C.CODE && f.fingerprint.startsWith("pf:")));
  const f = log.runs[1].findings[1];
  assert.equal(f.ruleId, "js/inconsistent-use-of-new");
  assert.equal(f.path, "src/promiseUtils.js");
  assert.deepEqual(lines(f), [2, 2, null, null]);
  assert.equal(f.message, "Function resolvingPromise is sometimes invoked as a constructor (for example here), and sometimes as a normal function (for example here).");
  assert.equal(log.runs[0].findings[0].path, "main.js");
  assert.ok(log.warnings.some((w) => w.startsWith("runs[0]:") && /artifactLocation\.index/.test(w)));
});

test("semgrep: 77 findings, label severities, matchBasedId fingerprints, CWE tags", () => {
  const log = parse("semgrep.sarif");
  assertCommon(log);
  const run = log.runs[0];
  assert.deepEqual([run.tool, run.toolVersion, run.analysisCategory], ["Semgrep OSS", "1.69.0", "Semgrep OSS"]);
  assert.equal(run.rules.length, 17);
  assert.equal(run.findings.length, 77);
  assert.deepEqual(countBy(run.findings, (f) => f.severity), { MEDIUM: 42, CRITICAL: 34, HIGH: 1 });
  assert.deepEqual(countBy(run.findings, (f) => f.category), { CODE: 77 });
  assert.ok(run.findings.every((f) => f.fingerprint.startsWith("fp:") && f.details.securitySeverity === undefined && f.cwes.length > 0 && f.path));
  const f = run.findings[0];
  assert.equal(f.path, "Gruntfile.js");
  assert.deepEqual(lines(f), [75, 75, 22, 53]);
  assert.deepEqual(f.cwes, ["CWE-22"]);
  assert.equal(f.snippet, "      const buffer = fs.readFileSync('dist/' + file)");
  assert.equal(countBy(run.findings, (f) => f.path ?? "")["routes/captcha.ts"], 7);
  assert.ok(run.findings.every((x) => (x.snippet ?? "").length <= 2000));
  assert.ok(log.warnings.some((w) => /snippets longer than 2000/.test(w)));
});

test("trivy-image: 4 CONTAINER findings with package coordinates from the message", () => {
  const log = parse("trivy-image.sarif");
  assertCommon(log);
  const run = log.runs[0];
  assert.deepEqual([run.tool, run.toolVersion, run.rules.length], ["Trivy", "dev", 2]);
  assert.deepEqual(run.findings.map((f) => [f.ruleId, f.vulnerabilityId, f.packageName, f.packageVersion, f.fixedVersion]), [
    ["CVE-2019-1549", "CVE-2019-1549", "libcrypto1.1", "1.1.1c-r0", "1.1.1d-r0"],
    ["CVE-2019-1551", "CVE-2019-1551", "libcrypto1.1", "1.1.1c-r0", "1.1.1d-r2"],
    ["CVE-2019-1549", "CVE-2019-1549", "libssl1.1", "1.1.1c-r0", "1.1.1d-r0"],
    ["CVE-2019-1551", "CVE-2019-1551", "libssl1.1", "1.1.1c-r0", "1.1.1d-r2"],
  ]);
  for (const f of run.findings) {
    assert.equal(f.category, C.CONTAINER);
    assert.equal(f.severity, S.MEDIUM);
    assert.equal(f.details.securitySeverity, 5.3);
    assert.equal(f.cvssScore, 5.3);
    assert.equal(f.cvssVector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N");
    assert.equal(f.path, "testdata/fixtures/images/alpine-310.tar.gz");
    assert.match(f.fingerprint, /^h:/);
  }
});

test("trivy-config-terraform: 8 IAC findings, numeric security-severity", () => {
  const log = parse("trivy-config-terraform.sarif");
  assertCommon(log);
  const run = log.runs[0];
  assert.deepEqual([run.tool, run.toolVersion, run.rules.length], ["Trivy", null, 8]);
  assert.deepEqual(run.findings.map((f) => [f.ruleId, f.severity, f.details.securitySeverity, f.startLine, f.endLine]), [
    ["AWS-0086", S.HIGH, 8, 8, 10], ["AWS-0087", S.HIGH, 8, 8, 10], ["AWS-0089", S.LOW, 2, 8, 10], ["AWS-0090", S.MEDIUM, 5.5, 16, 16],
    ["AWS-0091", S.HIGH, 8, 8, 10], ["AWS-0093", S.HIGH, 8, 8, 10], ["AWS-0094", S.LOW, 2, 8, 10], ["AWS-0132", S.HIGH, 8, 8, 10],
  ]);
  assert.ok(run.findings.every((f) => f.category === C.IAC && f.path === "main.tf" && f.cwes.length === 0 && f.packageName === null));
  assert.equal(run.findings[0].title, "S3 Access block should block public ACL");
});

test("checkov-openapi: no tool object, dangling ruleIndex → checkov, 12 IAC findings", () => {
  const log = parse("checkov-openapi.sarif");
  assertCommon(log);
  const run = log.runs[0];
  assert.deepEqual([run.tool, run.toolVersion, run.analysisCategory], ["checkov", null, "checkov"]);
  assert.deepEqual(run.rules.map((r) => r.ruleId), ["CKV_OPENAPI_4", "CKV_OPENAPI_1", "CKV_OPENAPI_3"]);
  assert.equal(run.findings.length, 12);
  assert.deepEqual(countBy(run.findings, (f) => `${f.category}/${f.severity}`), { "IAC/HIGH": 12 });
  assert.deepEqual(countBy(run.findings, (f) => f.ruleId), { CKV_OPENAPI_4: 7, CKV_OPENAPI_1: 3, CKV_OPENAPI_3: 2 });
  const f = run.findings[8];
  assert.deepEqual([f.ruleId, f.path, f.startLine, f.endLine], ["CKV_OPENAPI_3", "v3/example.yaml", 8, 11]);
  assert.equal(f.title, "Ensure that security schemes don't allow cleartext credentials over unencrypted channel - version 3.x.y files");
  assert.ok(log.warnings.some((w) => /no tool\.driver\.name.*"checkov"/.test(w)));
  assert.ok(log.warnings.some((w) => /ruleIndex with no matching rule/.test(w)));
});

test("gitleaks: SECRET, undeclared ruleId kept, metadata partialFingerprints ignored", () => {
  const log = parse("gitleaks.sarif");
  assertCommon(log);
  const run = log.runs[0];
  assert.deepEqual([run.tool, run.toolVersion], ["gitleaks", "v8.0.0"]);
  assert.deepEqual(run.rules.map((r) => r.ruleId), ["aws-access-key", "pypi", "test-rule"]);
  const [f] = run.findings;
  assert.equal(run.findings.length, 1);
  assert.deepEqual([f.ruleId, f.category, f.severity, f.path, f.snippet], ["test-rule", C.SECRET, S.MEDIUM, "auth.py", "a secret"]);
  assert.deepEqual(lines(f), [1, 2, 1, 2]);
  assert.match(f.fingerprint, /^h:/, "commitSha/email/author are not identity");
  assert.doesNotMatch(JSON.stringify(log), /johndoe@gmail\.com|John Doe/);
  assert.ok(log.warnings.some((w) => /do not declare: test-rule/.test(w) || /does not declare: test-rule/.test(w)));
});

test("eslint: no rules, dangling artifact index, absolute Windows URI stripped", () => {
  const log = parse("eslint.sarif");
  assertCommon(log);
  const [f] = log.runs[0].findings;
  assert.equal(log.runs[0].findings.length, 1);
  assert.deepEqual([f.ruleId, f.category, f.severity], ["no-unused-vars", C.CODE, S.HIGH]);
  assert.equal(f.path, "dev/sarif/sarif-tutorials/samples/Introduction/simple-example.js");
  assert.deepEqual(lines(f), [1, 1, 5, null]);
  assert.equal(f.title, "'x' is assigned a value but never used.");
  assert.equal(log.warnings.length, 3);
  assert.ok(log.warnings.some((w) => /artifactLocation\.index/.test(w)));
  assert.ok(log.warnings.some((w) => /absolute URI/.test(w)));
  assert.ok(log.warnings.some((w) => /no-unused-vars/.test(w)));
});

test("binskim: 14 pass results skipped, 7 findings rendered from messageStrings, no regions", () => {
  const log = parse("binskim-pe.sarif");
  assertCommon(log);
  assert.equal(log.resultCount, 21);
  const run = log.runs[0];
  assert.equal(run.rules.length, 20);
  assert.deepEqual(run.findings.map((f) => [f.ruleId, f.severity]), [
    ["BA2004", S.MEDIUM], ["BA2004", S.HIGH], ["BA2018", S.HIGH], ["BA2021", S.HIGH],
    ["BA2027", S.MEDIUM], ["BA6002", S.MEDIUM], ["BA6005", S.MEDIUM],
  ]);
  for (const f of run.findings) {
    assert.equal(f.category, C.CODE);
    assert.equal(f.path, "src/Test.FunctionalTests.BinSkim.Driver/BaselineTestData/Native_x86_VS2013_Default.exe");
    assert.deepEqual(lines(f), [null, null, null, null]);
  }
  assert.match(run.findings[2].message, /^'Native_x86_VS2013_Default\.exe' is an x86 binary which has an empty SE handler table in the load configuration table/);
  assert.match(run.findings[3].message, /contains PE section\(s\) \(\.textbss\) that are both writable and executable/);
  assert.equal(run.findings[0].title, "Enable Secure Source Code Hashing");
  assert.ok(log.warnings.some((w) => /skipped 14 result\(s\) of kind pass/.test(w)));
});

test("fortify (sarif-sdk): ruleIndex-only results, taxonomy CWEs, category from automationDetails", () => {
  const log = parse("sarifsdk-fortify-odd.sarif");
  assertCommon(log);
  assert.deepEqual(log.warnings, []);
  const run = log.runs[0];
  assert.equal(run.tool, "Micro Focus Fortify Static Code Analyzer");
  assert.equal(run.analysisCategory, "CareerGuideAdminTool");
  assert.deepEqual(run.findings.map((f) => [f.ruleId, f.path, f.startLine, f.endLine, f.severity, f.category]), [
    ["D0ACE9F8-3C8F-42D4-BDB1-2FC9ECB0CDFB", "src/Controllers/ContentFileHandlingController.cs", 12, 12, S.MEDIUM, C.CODE],
    ["AC21F232-1D82-49B7-9AB1-46FE84CD6424", "src/DocumentValidator.cs", 12, 18, S.MEDIUM, C.CODE],
    ["6ED95DD1-4F81-44C6-A260-695DFD41B803", "src/Controllers/ContentFileHandlingController.cs", 38, 38, S.MEDIUM, C.CODE],
  ]);
  assert.deepEqual(run.findings.map((f) => f.cwes), [[], [], ["CWE-22", "CWE-73"]]);
  assert.match(run.findings[2].message, /^Attackers are able to control the file system path argument to ReadAllBytes\(\) at ContentFileHandlingController\.cs line 38,/);
  assert.equal(run.findings[1].title, "This method is not reachable from any method outside the class.");
  assert.ok(run.findings.every((f) => f.fingerprint.startsWith("h:") && f.snippet));
});
