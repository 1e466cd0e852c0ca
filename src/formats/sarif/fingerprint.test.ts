import { test } from "node:test";
import assert from "node:assert/strict";
import { realFixturesDir, loadMutable } from "../../../test/fixtures/real-fixtures";
import { stripLineNumbers } from "./fingerprint";
import { parseSarif } from "./sarif.parse";
import { readdirSync } from "node:fs";

const fingerprints = (log: unknown) => parseSarif(log).runs.flatMap((r) => r.findings.map((f) => f.fingerprint));

/** Moves every region of every result down by n lines, as if n lines were inserted at the top of each file. */
function shiftLines(node: unknown, n: number): void {
  if (Array.isArray(node)) return node.forEach((x) => shiftLines(x, n));
  if (node === null || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if ((key === "startLine" || key === "endLine") && typeof o[key] === "number") o[key] = (o[key] as number) + n;
    else shiftLines(o[key], n);
  }
}

const sarifFixtures = readdirSync(realFixturesDir()).filter((f) => f.endsWith(".sarif"));

test("identity survives a line shift on every real SARIF fixture", () => {
  assert.equal(sarifFixtures.length, 10);
  for (const name of sarifFixtures) {
    const original = loadMutable(name);
    const shifted = loadMutable(name);
    for (const run of shifted.runs) shiftLines(run.results, 37);
    const before = parseSarif(original).runs.flatMap((r) => r.findings);
    const after = parseSarif(shifted).runs.flatMap((r) => r.findings);
    assert.deepEqual(after.map((f) => f.fingerprint), before.map((f) => f.fingerprint), name);
    const moved = before.filter((f) => f.startLine !== null);
    if (moved.length) assert.notDeepEqual(after.map((f) => f.startLine), before.map((f) => f.startLine), `${name}: lines really moved`);
  }
});

test("identity survives a line number quoted in the message (no snippet, no tool fingerprint)", () => {
  const make = (line: number) => ({
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "t" } }, results: [{
      ruleId: "r", message: { text: `Tainted value reaches sink on line ${line} (app.js:${line}:4)` },
      locations: [{ physicalLocation: { artifactLocation: { uri: "app.js" }, region: { startLine: line } } }],
    }] }],
  });
  assert.deepEqual(fingerprints(make(10)), fingerprints(make(99)));
  assert.equal(stripLineNumbers("see line 12 and foo.ts:12:3, L40-L42"), "see line # and foo.ts:#, L#");
});

test("fingerprint sources are labelled: pf (codeql), fp (semgrep), h (fortify, gitleaks, trivy)", () => {
  assert.match(fingerprints(loadMutable("codeql-python.sarif"))[0], /^pf:[0-9a-f]{64}$/);
  assert.ok(fingerprints(loadMutable("semgrep.sarif")).every((f) => /^fp:[0-9a-f]{64}$/.test(f)), "130-char matchBasedId values still fit in 128 chars");
  assert.ok(fingerprints(loadMutable("sarifsdk-fortify-odd.sarif")).every((f) => /^h:/.test(f)));
  assert.ok(fingerprints(loadMutable("trivy-image.sarif")).every((f) => /^h:/.test(f)));
});

test("gitleaks metadata in partialFingerprints does not affect identity", () => {
  const a = loadMutable("gitleaks.sarif");
  const b = loadMutable("gitleaks.sarif");
  Object.assign(b.runs[0].results[0].partialFingerprints, { commitSha: "abcdef0123456789", email: "x@y.z", author: "X", date: "01-01-2024", commitMessage: "other" });
  assert.deepEqual(fingerprints(a), fingerprints(b));
  b.runs[0].results[0].locations[0].physicalLocation.region.snippet.text = "another  secret";
  assert.notDeepEqual(fingerprints(a), fingerprints(b), "the snippet is part of identity");
  const c = loadMutable("gitleaks.sarif");
  c.runs[0].results[0].locations[0].physicalLocation.region.snippet.text = "  a \n secret ";
  assert.deepEqual(fingerprints(a), fingerprints(c), "snippet whitespace is collapsed");
});

test("primaryLocationLineHash identity includes the rule id", () => {
  const a = loadMutable("codeql-python.sarif");
  const b = loadMutable("codeql-python.sarif");
  b.runs[0].results[0].partialFingerprints.primaryLocationLineHash = "0000111122223333:1";
  assert.notDeepEqual(fingerprints(a), fingerprints(b));
  const c = loadMutable("codeql-multirun.sarif");
  const r = c.runs[1].results;
  r[1].partialFingerprints = { ...r[0].partialFingerprints };
  const fps = parseSarif(c).runs[1].findings.map((f) => f.fingerprint);
  assert.notEqual(fps[0], fps[1], "same line hash, different rule");
});

test("package findings: identity is rule + package + version + target, not message text", () => {
  const a = loadMutable("trivy-image.sarif");
  const b = loadMutable("trivy-image.sarif");
  b.runs[0].results[0].message.text = b.runs[0].results[0].message.text.replace("Link:", "See:");
  assert.deepEqual(fingerprints(a), fingerprints(b));
  b.runs[0].results[0].message.text = b.runs[0].results[0].message.text.replace("Installed Version: 1.1.1c-r0", "Installed Version: 1.1.1c-r1");
  assert.notEqual(fingerprints(b)[0], fingerprints(a)[0]);
});

test("colliding results are all kept, disambiguated by occurrence index, deterministically", () => {
  const log = loadMutable("gitleaks.sarif");
  const dup = structuredClone(log.runs[0].results[0]);
  log.runs[0].results.push(dup, structuredClone(dup));
  const first = parseSarif(log).runs[0].findings.map((f) => f.fingerprint);
  assert.equal(first.length, 3);
  assert.deepEqual(first.slice(1), [`${first[0]}:2`, `${first[0]}:3`]);
  assert.deepEqual(parseSarif(log).runs[0].findings.map((f) => f.fingerprint), first, "same input, same identities");
  assert.ok(first.every((f) => f.length <= 128));
});

test("collisions across merged runs of one category are disambiguated too", () => {
  const run = (id: string) => ({
    tool: { driver: { name: "t" } }, automationDetails: { id },
    results: [{ ruleId: "r", message: { text: "m" }, locations: [{ physicalLocation: { artifactLocation: { uri: "a.js" } } }] }],
  });
  const log = parseSarif({ version: "2.1.0", runs: [run("cat/1"), run("cat/2")] });
  assert.equal(log.runs.length, 1);
  const [a, b] = log.runs[0].findings.map((f) => f.fingerprint);
  assert.equal(b, `${a}:2`);
});

test("the same line hash in two files is two alerts, not a collision", () => {
  const log = loadMutable("codeql-multirun.sarif");
  const results = log.runs[1].results;
  results[1].ruleId = results[0].ruleId;
  results[1].ruleIndex = results[0].ruleIndex;
  results[1].partialFingerprints = { ...results[0].partialFingerprints };
  const fps = parseSarif(log).runs[1].findings.map((f) => f.fingerprint);
  assert.notEqual(fps[0], fps[1]);
  assert.ok(fps.every((f) => !/:\d+$/.test(f)));
});
