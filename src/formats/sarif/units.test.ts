import { test } from "node:test";
import assert from "node:assert/strict";
import { inferCategory } from "./category";
import { normalizeCwe, vulnerabilityIdFrom } from "./ids";
import { categoryFromAutomationId, parseSarif } from "./sarif.parse";
import { parseSecuritySeverity, severityFromLevel, severityFromScore } from "./severity";
import { FindingCategory as C, ParsedFinding, ParseOptions, Severity as S } from "./types";

type Json = Record<string, any>;
const loc = (uri: string, extra: Json = {}) => [{ physicalLocation: { artifactLocation: { uri, ...extra } } }];
const res = (extra: Json = {}): Json => ({ ruleId: "r1", message: { text: "something is wrong" }, locations: loc("src/a.js"), ...extra });
function one(result: Json, run: Json = {}, options?: ParseOptions): { f: ParsedFinding; warnings: string[] } {
  const log = parseSarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "tool", rules: [{ id: "r1" }] } }, results: [result], ...run }] }, options);
  return { f: log.runs[0].findings[0], warnings: log.warnings };
}

test("severity: security-severity bands, labels, levels", () => {
  const bands: [number, S][] = [[10, S.CRITICAL], [9.0, S.CRITICAL], [8.9, S.HIGH], [7.0, S.HIGH], [6.9, S.MEDIUM], [4.0, S.MEDIUM], [3.9, S.LOW], [0.1, S.LOW], [0, S.INFO]];
  for (const [score, sev] of bands) assert.equal(severityFromScore(score), sev, String(score));
  assert.deepEqual(parseSecuritySeverity("9.8"), { score: 9.8, severity: S.CRITICAL });
  assert.deepEqual(parseSecuritySeverity("HIGH"), { score: null, severity: S.HIGH });
  assert.equal(parseSecuritySeverity("11"), null);
  assert.equal(parseSecuritySeverity("severe"), null);
  assert.deepEqual([severityFromLevel("error"), severityFromLevel("warning"), severityFromLevel("note"), severityFromLevel("none"), severityFromLevel(null)],
    [S.HIGH, S.MEDIUM, S.LOW, S.INFO, S.MEDIUM]);
});

test("severity precedence: result property > rule property > result.level > rule default level > warning", () => {
  const rules = [{ id: "r1", defaultConfiguration: { level: "note" }, properties: { "security-severity": "7.5" } }];
  const run = { tool: { driver: { name: "t", rules } } };
  assert.equal(one(res({ level: "none" }), run).f.severity, S.HIGH);
  assert.equal(one(res({ properties: { "security-severity": "9.1" } }), run).f.severity, S.CRITICAL);
  const plain = { tool: { driver: { name: "t", rules: [{ id: "r1", defaultConfiguration: { level: "note" } }] } } };
  assert.equal(one(res({ level: "error" }), plain).f.severity, S.HIGH);
  assert.equal(one(res(), plain).f.severity, S.LOW);
  assert.equal(one(res({ level: "none" }), plain).f.severity, S.INFO);
  assert.equal(one(res()).f.severity, S.MEDIUM);
});

test("analysis category: option > automationDetails 'category/run-id' > tool name", () => {
  assert.equal(categoryFromAutomationId("my-cat/"), "my-cat");
  assert.equal(categoryFromAutomationId("my-analysis/tool1/2022-01-02"), "my-analysis/tool1");
  assert.equal(categoryFromAutomationId("backend"), null);
  assert.equal(categoryFromAutomationId("/run-1"), null);
  const run = (id?: string) => ({ tool: { driver: { name: "CodeQL" } }, results: [], ...(id ? { automationDetails: { id } } : {}) });
  const cat = (runs: Json[], options?: ParseOptions) => parseSarif({ version: "2.1.0", runs }, options).runs.map((r) => r.analysisCategory);
  assert.deepEqual(cat([run("/language:python/")]), ["/language:python"]);
  assert.deepEqual(cat([run("backend/2024-01-01"), run()]), ["backend", "CodeQL"]);
  assert.deepEqual(cat([run("backend/1")], { category: "override" }), ["override"]);
  const w = parseSarif({ version: "2.1.0", runs: [run("nightly-42")] });
  assert.deepEqual([w.runs[0].analysisCategory, /has no "category\/" part/.test(w.warnings[0])], ["CodeQL", true]);
  assert.equal(parseSarif({ version: "2.1.0", runs: [run("a/1"), run("a/2"), run("b/1")] }).runs.length, 2, "same tool + category share one ParsedRun");
});

test("category inference", () => {
  const base = { tool: "x", ruleId: "r", tags: [] as string[], path: "src/a.ts", vulnerabilityId: null, runProperties: undefined };
  assert.equal(inferCategory(base), C.CODE);
  assert.equal(inferCategory({ ...base, override: C.POSTURE }), C.POSTURE);
  assert.equal(inferCategory({ ...base, tool: "TruffleHog" }), C.SECRET);
  assert.equal(inferCategory({ ...base, tool: "Trivy", tags: ["secret", "security"] }), C.SECRET);
  assert.equal(inferCategory({ ...base, tool: "tfsec" }), C.IAC);
  assert.equal(inferCategory({ ...base, tool: "KICS" }), C.IAC);
  assert.equal(inferCategory({ ...base, tool: "Semgrep", path: "infra/main.bicep" }), C.IAC);
  assert.equal(inferCategory({ ...base, tool: "Trivy", tags: ["misconfiguration"], path: "k8s/deploy.yaml" }), C.IAC);
  assert.equal(inferCategory({ ...base, tool: "Trivy", ruleId: "CVE-2024-1", vulnerabilityId: "CVE-2024-1", path: "package-lock.json" }), C.DEPENDENCY);
  assert.equal(inferCategory({ ...base, tool: "Trivy", ruleId: "CVE-2024-1", vulnerabilityId: "CVE-2024-1", path: "app", runProperties: { imageName: "app:1" } }), C.CONTAINER);
  assert.equal(inferCategory({ ...base, tool: "grype", ruleId: "CVE-2024-1", vulnerabilityId: "CVE-2024-1", path: "usr/lib/libssl.so" }), C.CONTAINER);
  assert.equal(inferCategory({ ...base, tool: "grype", ruleId: "GHSA-aaaa-bbbb-cccc", vulnerabilityId: "GHSA-aaaa-bbbb-cccc", path: "requirements.txt" }), C.DEPENDENCY);
  assert.equal(inferCategory({ ...base, tool: "osv-scanner", ruleId: "PYSEC-1" }), C.DEPENDENCY);
  assert.equal(inferCategory({ ...base, tool: "Trivy", ruleId: "lodash:MIT", tags: ["license"] }), C.DEPENDENCY);
  assert.equal(inferCategory({ ...base, tool: "OWASP Dependency-Check", ruleId: "CVE-2024-1", vulnerabilityId: "CVE-2024-1", path: "lib/x.jar" }), C.DEPENDENCY);
  assert.equal(one(res(), {}, { findingCategory: C.SECRET }).f.category, C.SECRET);
});

test("ids: CWE and advisory normalization", () => {
  assert.deepEqual(["external/cwe/cwe-079", "CWE-346", "CWE-79: Cross-site scripting", "cwe_20", 611, "22", "OWASP-A1"].map(normalizeCwe),
    ["CWE-79", "CWE-346", "CWE-79", "CWE-20", "CWE-611", "CWE-22", null]);
  assert.equal(vulnerabilityIdFrom("cve-2021-44228", []), "CVE-2021-44228");
  assert.equal(vulnerabilityIdFrom("GHSA-67HX-6X53-JW92", []), "GHSA-67hx-6x53-jw92");
  assert.equal(vulnerabilityIdFrom("npm-lodash", [{ tags: ["security", "CVE-2021-23337"] }]), "CVE-2021-23337");
  assert.equal(vulnerabilityIdFrom("npm-lodash", [{ cve: ["CVE-2020-8203"] }]), "CVE-2020-8203");
  assert.equal(vulnerabilityIdFrom("js/xss", [{ tags: ["security"] }]), null);
  const { f } = one(res({ properties: { tags: ["external/cwe/cwe-079"], cwe: "CWE-20" } }));
  assert.deepEqual(f.cwes, ["CWE-20", "CWE-79"]);
});

test("paths: uriBaseIds, file URIs under a known base, placeholders, encoding", () => {
  const bases = { originalUriBaseIds: { SRCROOT: { uri: "file:///C:/Work/Repo/" }, TESTS: { uri: "tests/", uriBaseId: "SRCROOT" }, LIB: { uri: "lib/" } } };
  const path = (uri: string, extra: Json = {}, run: Json = bases) => one(res({ locations: loc(uri, extra) }), run);
  assert.equal(path("file:///c:/work/repo/src/App.cs").f.path, "src/App.cs", "drive paths compare case-insensitively");
  assert.equal(path("a.test.js", { uriBaseId: "TESTS" }).f.path, "tests/a.test.js");
  assert.equal(path("x.js", { uriBaseId: "LIB" }).f.path, "lib/x.js");
  assert.equal(path("x.js", { uriBaseId: "%SRCROOT%" }).f.path, "x.js", "undefined base = repository root");
  assert.equal(path("%SRCROOT%/src/x.js").f.path, "src/x.js");
  assert.equal(path("./src//b\\c.js").f.path, "src/b/c.js");
  assert.equal(path("/src/app.js").f.path, "src/app.js");
  assert.equal(path("my%20file.js").f.path, "my file.js");
  const outside = path("file:///D:/elsewhere/x.js");
  assert.equal(outside.f.path, "elsewhere/x.js");
  assert.ok(outside.warnings.some((w) => /outside every originalUriBaseIds base/.test(w)));
  const http = path("https://example.com/x.js");
  assert.equal(http.f.path, null);
  assert.ok(http.warnings.some((w) => /non-file scheme \(https\)/.test(w)));
  const viaArtifact = one(res({ locations: [{ physicalLocation: { artifactLocation: { index: 0 } } }] }), { artifacts: [{ location: { uri: "from/artifact.js" } }] });
  assert.equal(viaArtifact.f.path, "from/artifact.js");
});

test("results without locations are findings with path null (one warning)", () => {
  const log = parseSarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "t" } }, results: [
    { ruleId: "a", message: { text: "x" } }, { ruleId: "b", message: { text: "y" }, locations: [] },
    { ruleId: "c", message: { text: "z" }, locations: [{ logicalLocations: [{ name: "f" }] }] },
  ] }] });
  assert.deepEqual(log.runs[0].findings.map((f) => [f.path, f.startLine]), [[null, null], [null, null], [null, null]]);
  assert.equal(log.warnings.filter((w) => /no file location/.test(w)).length, 1);
  assert.ok(log.warnings.some((w) => /3 result\(s\) have no file location/.test(w)));
});

test("messages: id + arguments, global strings, literal braces, links, cap", () => {
  const rules = [{ id: "r1", shortDescription: { text: "Short" }, messageStrings: { default: { text: "'{0}' is bad because {1}; {{literal}} {5}" } } }];
  const run = { tool: { driver: { name: "t", rules, globalMessageStrings: { g: { text: "global {0}" } } } } };
  assert.equal(one(res({ message: { id: "default", arguments: ["x.js", "reasons"] } }), run).f.message, "'x.js' is bad because reasons; {literal} {5}");
  assert.equal(one(res({ message: { id: "g", arguments: ["one"] } }), run).f.message, "global one");
  assert.equal(one(res({ message: { text: "[source](1) reaches [sink](2); see [docs](https://x.y/z)" } })).f.message, "source reaches sink; see [docs](https://x.y/z)");
  const proto = one(res({ message: { id: "__proto__" } }), run);
  assert.equal(proto.f.message, "Short", "unknown ids fall back to the rule description, prototype keys stay inert");
  assert.ok(proto.warnings.some((w) => /no renderable message/.test(w)));
  const log = parseSarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "t" } }, results: [res({ message: { text: "a".repeat(9000) } }), res({ message: { text: "b".repeat(9000) } })] }] });
  const f = log.runs[0].findings[0];
  assert.equal(f.message.length, 8000);
  assert.ok(f.message.endsWith("…"));
  assert.equal(log.warnings.filter((w) => /longer than 8000/.test(w)).length, 1);
  assert.equal(one(res({ ruleId: "nodesc", message: { text: "First sentence. Second one." } })).f.title, "First sentence.");
});

test("suppressions: absent/accepted status suppresses; underReview/rejected do not", () => {
  const sup = (suppressions: Json[]) => { const { f } = one(res({ suppressions })); return [f.suppressed, f.suppressionReason]; };
  assert.deepEqual(sup([]), [false, null]);
  assert.deepEqual(sup([{ kind: "inSource" }]), [true, null]);
  assert.deepEqual(sup([{ kind: "external", status: "accepted", justification: "false positive" }]), [true, "false positive"]);
  assert.deepEqual(sup([{ kind: "external", status: "underReview", justification: "?" }]), [false, null]);
  assert.deepEqual(sup([{ kind: "external", status: "rejected" }]), [false, null]);
});

test("kinds and baseline: pass/notApplicable/informational and absent results are not findings", () => {
  const log = parseSarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "t" } }, results: [
    res({ kind: "pass" }), res({ kind: "notApplicable" }), res({ kind: "informational" }), res({ baselineState: "absent" }),
    res({ kind: "review" }), res({ kind: "open", level: "none" }), res(),
  ] }] });
  assert.equal(log.resultCount, 7);
  assert.deepEqual(log.runs[0].findings.map((f) => [f.details.kind, f.severity]), [["review", S.MEDIUM], ["open", S.INFO], ["fail", S.MEDIUM]]);
  assert.ok(log.warnings.some((w) => /skipped 3 result\(s\) of kind/.test(w)));
  assert.ok(log.warnings.some((w) => /skipped 1 result\(s\) with baselineState "absent"/.test(w)));
});

test("rules: by ruleIndex only, by extension toolComponent, undeclared, and none at all", () => {
  const tool = {
    driver: { name: "t", rules: [{ id: "D1", shortDescription: { text: "Driver rule" } }] },
    extensions: [{ name: "pack", rules: [{ id: "E1", shortDescription: { text: "Ext rule" }, properties: { "security-severity": "9.5", tags: ["external/cwe/cwe-89"] } }] }],
  };
  const log = parseSarif({ version: "2.1.0", runs: [{ tool, results: [
    { ruleIndex: 0, message: { text: "a" } },
    { rule: { index: 0, toolComponent: { index: 0 } }, message: { text: "b" } },
    { ruleId: "E1", message: { text: "c" } },
    { ruleId: "NOPE", message: { text: "d" } },
    { message: { text: "e" } },
  ] }] });
  const fs = log.runs[0].findings;
  assert.deepEqual(fs.map((f) => [f.ruleId, f.title, f.severity]), [
    ["D1", "Driver rule", S.MEDIUM], ["E1", "Ext rule", S.CRITICAL], ["E1", "Ext rule", S.CRITICAL], ["NOPE", "d", S.MEDIUM], ["unknown", "e", S.MEDIUM],
  ]);
  assert.deepEqual(fs[1].cwes, ["CWE-89"]);
  assert.deepEqual(log.runs[0].rules.map((r) => r.ruleId), ["D1", "E1", "NOPE", "unknown"]);
  assert.ok(log.warnings.some((w) => /does not declare: NOPE/.test(w)));
  assert.ok(log.warnings.some((w) => /1 result\(s\) name no rule/.test(w)));
});
