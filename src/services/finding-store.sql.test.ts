import { test } from "node:test";
import assert from "node:assert/strict";
import { COLUMNS, isoCache, record } from "./finding-store.sql";
import { FindingCategory, FindingState, Severity } from "../common/types";

test("the JSON row of a finding has exactly the columns the INSERT names, with the accessors' values", () => {
  const at = new Date("2026-01-02T03:04:05.678Z");
  const w = {
    fingerprint: "fp", category: FindingCategory.CODE, severity: Severity.HIGH, severityRank: 3, state: FindingState.OPEN, title: "t", message: "m",
    ruleId: "r", ruleRefId: null, tool: "x", toolVersion: "1", path: "p", startLine: 1, endLine: 2, startColumn: 3, endColumn: 4, snippet: "s",
    vulnerabilityId: "CVE-1", cwes: ["CWE-79"], cvssScore: 7.5, cvssVector: "v", packageName: "pkg", packageVersion: "1.0", fixedVersion: "1.1",
    details: { a: 1 }, firstSeenAt: at, fixedAt: null, dismissedAt: at, dismissReason: "dr", dismissComment: "dc", dismissedBy: "db", dueAt: at,
    priorityScore: 42, priorityLevel: "P2",
  };
  const r = record(w, isoCache());
  assert.deepEqual(Object.keys(r).sort(), COLUMNS.map(([c]) => c).sort());
  for (const [c, , get] of COLUMNS) {
    const v = get(w);
    assert.deepEqual(r[c], v instanceof Date ? v.toISOString() : v, c);
  }
});
