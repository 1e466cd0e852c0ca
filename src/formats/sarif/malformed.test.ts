import { test } from "node:test";
import assert from "node:assert/strict";
import { parseJsonSafely } from "./json";
import { parseSarif } from "./sarif.parse";
import { IngestInputError, ParseOptions } from "./types";

function rejects(fn: () => unknown, code: string, re: RegExp, status = 400): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof IngestInputError, `expected IngestInputError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, re);
    assert.equal(e.httpStatus, status);
    return true;
  });
}

const result = (extra: Record<string, unknown> = {}) => ({ ruleId: "r1", message: { text: "m" }, locations: [{ physicalLocation: { artifactLocation: { uri: "a.js" } } }], ...extra });
const log = (results: unknown[], runExtra: Record<string, unknown> = {}) => ({ version: "2.1.0", runs: [{ tool: { driver: { name: "t" } }, results, ...runExtra }] });
const sarif = (input: unknown, options?: ParseOptions) => () => parseSarif(input, options);

test("parseJsonSafely: valid JSON, BOM, and brackets inside strings", () => {
  assert.deepEqual(parseJsonSafely(Buffer.from('{"a":[1,{"b":"[[[{{{"}]}')), { a: [1, { b: "[[[{{{" }] });
  assert.deepEqual(parseJsonSafely(Buffer.from('\ufeff{"x":"\\"[["}')), { x: '"[[' });
  assert.deepEqual(parseJsonSafely(Buffer.from('{"é":"ü"}')), { "é": "ü" });
});

test("parseJsonSafely: refuses invalid UTF-8, non-JSON and empty bodies", () => {
  rejects(() => parseJsonSafely(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])), "INVALID_JSON", /not valid UTF-8/);
  rejects(() => parseJsonSafely(Buffer.from([0xc3, 0x28])), "INVALID_JSON", /not valid UTF-8/); // truncated 2-byte sequence
  rejects(() => parseJsonSafely(Buffer.from('{"a":1')), "INVALID_JSON", /not valid JSON/);
  rejects(() => parseJsonSafely(Buffer.from("runs: []")), "INVALID_JSON", /not valid JSON/);
  rejects(() => parseJsonSafely(Buffer.alloc(0)), "INVALID_JSON", /empty/);
});

test("parseJsonSafely: nesting is limited before parsing", () => {
  const nested = (n: number) => Buffer.from("[".repeat(n) + "]".repeat(n));
  assert.ok(parseJsonSafely(nested(64)));
  rejects(() => parseJsonSafely(nested(65)), "TOO_DEEP", /maximum depth of 64/);
  rejects(() => parseJsonSafely(nested(6), { maxDepth: 5 }), "TOO_DEEP", /maximum depth of 5/);
  // A million open brackets would overflow JSON.parse's recursion in some engines; refused by the byte scan.
  rejects(() => parseJsonSafely(Buffer.from("[".repeat(1_000_000))), "TOO_DEEP", /depth/);
  assert.deepEqual(parseJsonSafely(Buffer.from(`{"s":"${"[".repeat(1000)}"}`)), { s: "[".repeat(1000) }, "brackets in strings do not count");
});

test("SARIF: top-level shape and version", () => {
  rejects(sarif([]), "INVALID_SARIF", /must be a JSON object, got array/);
  rejects(sarif(null), "INVALID_SARIF", /got null/);
  rejects(sarif("x"), "INVALID_SARIF", /got string/);
  rejects(sarif({ version: "2.0.0", runs: [] }), "UNSUPPORTED_VERSION", /found version "2\.0\.0"/);
  rejects(sarif({ version: 2.1, runs: [] }), "UNSUPPORTED_VERSION", /found version 2\.1/);
  rejects(sarif({ runs: [] }), "UNSUPPORTED_VERSION", /found no version/);
  rejects(sarif({ version: "2.1.0" }), "INVALID_SARIF", /^runs: must be an array, got undefined/);
  rejects(sarif({ version: "2.1.0", runs: {} }), "INVALID_SARIF", /^runs: must be an array, got object/);
  assert.deepEqual(parseSarif({ version: "2.1.0", runs: [] }), { runs: [], warnings: [], resultCount: 0 });
  // [] means "nothing found" (a run that can close findings); absent means "did not complete" (no run).
  const empty = parseSarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "t" } }, results: [] }] });
  assert.deepEqual(empty.runs.map((r) => [r.tool, r.findings.length]), [["t", 0]]);
  const absent = parseSarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "t" } } }, { tool: { driver: { name: "u" } }, results: null }] });
  assert.deepEqual(absent.runs, []);
  assert.equal(absent.warnings.length, 2);
  assert.match(absent.warnings[0], /^runs\[0\]: results is absent .* run skipped/);
});

test("SARIF: size limits answer 413", () => {
  const runs = Array.from({ length: 21 }, () => ({ tool: { driver: { name: "t" } }, results: [] }));
  rejects(sarif({ version: "2.1.0", runs }), "TOO_LARGE", /21 runs exceed the limit of 20/, 413);
  assert.equal(parseSarif({ version: "2.1.0", runs: runs.slice(0, 20) }).runs.length, 1);
  rejects(sarif({ version: "2.1.0", runs: runs.slice(0, 3) }, { maxRuns: 2 }), "TOO_LARGE", /3 runs exceed the limit of 2/, 413);
  rejects(sarif(log([result(), result(), result()]), { maxResultsPerRun: 2 }), "TOO_LARGE", /^runs\[0\]\.results: 3 results exceed the limit of 2 per run/, 413);
});

test("SARIF: malformed runs and results name the offending element", () => {
  rejects(sarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "t" } }, results: [] }, 5] }), "INVALID_SARIF", /^runs\[1\]: must be an object, got number/);
  rejects(sarif(log({} as unknown as unknown[])), "INVALID_SARIF", /^runs\[0\]\.results: must be an array, got object/);
  rejects(sarif(log([result(), result(), result(), "oops"])), "INVALID_SARIF", /^runs\[0\]\.results\[3\]: must be an object, got string/);
  rejects(sarif(log([null])), "INVALID_SARIF", /^runs\[0\]\.results\[0\]: must be an object, got null/);
  rejects(sarif(log([result({ ruleId: 42 })])), "INVALID_SARIF", /^runs\[0\]\.results\[0\]\.ruleId: must be a string, got number/);
  rejects(sarif(log([result({ ruleId: undefined, rule: { id: ["x"] } })])), "INVALID_SARIF", /^runs\[0\]\.results\[0\]\.rule\.id: must be a string, got array/);
  rejects(sarif(log([result(), result(), result(), result({ locations: "a.js" })])), "INVALID_SARIF", /^runs\[0\]\.results\[3\]\.locations: must be an array/);
  rejects(sarif(log([result({ locations: [7] })])), "INVALID_SARIF", /^runs\[0\]\.results\[0\]\.locations\[0\]: must be an object/);
});

test("SARIF: a path escaping the repository refuses the whole upload", () => {
  const at = (uri: string, extra: Record<string, unknown> = {}) =>
    log([result(), result({ locations: [{ physicalLocation: { artifactLocation: { uri, ...extra } } }] })]);
  rejects(sarif(at("../../etc/passwd")), "INVALID_PATH", /^runs\[0\]\.results\[1\]\.locations\[0\]\.physicalLocation\.artifactLocation\.uri: path '\.\.\/\.\.\/etc\/passwd' escapes the repository root/);
  rejects(sarif(at("src/../../secret")), "INVALID_PATH", /escapes the repository root/);
  rejects(sarif(at("..%2F..%2Fetc%2Fpasswd")), "INVALID_PATH", /escapes/);
  rejects(sarif(at("..\\..\\boot.ini")), "INVALID_PATH", /escapes/);
  rejects(sarif(at("a\u0000b.js")), "INVALID_PATH", /control characters/);
  // A base that itself climbs out is caught too.
  rejects(sarif({ ...at("x.js", { uriBaseId: "UP" }), runs: [{ ...at("x.js", { uriBaseId: "UP" }).runs[0], originalUriBaseIds: { UP: { uri: "../" } } }] }), "INVALID_PATH", /escapes/);
  // Dot segments that stay inside are just normalized.
  const ok = parseSarif(at("src/../lib/./x.js"));
  assert.equal(ok.runs[0].findings[1].path, "lib/x.js");
});
