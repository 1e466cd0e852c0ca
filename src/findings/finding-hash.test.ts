import { test } from "node:test";
import assert from "node:assert/strict";
import { canonical, contentHash, MATERIAL } from "./finding-hash";
import type { FindingWrite } from "./finding-store.sql";
import { FindingCategory, FindingState, Severity } from "../common/types";

const base = (): FindingWrite => ({
  fingerprint: "h:1", category: FindingCategory.CODE, severity: Severity.HIGH, severityRank: 3, state: FindingState.OPEN, title: "SQL injection",
  message: "user input reaches a query", ruleId: "sql-injection", ruleRefId: "0b0e7f7e-1111-2222-3333-444455556666", tool: "semgrep", toolVersion: "1.2.3",
  path: "src/db.ts", startLine: 10, endLine: 12, startColumn: 3, endColumn: 40, snippet: "db.query(q)", vulnerabilityId: null, cwes: ["CWE-89"],
  cvssScore: null, cvssVector: null, packageName: null, packageVersion: null, fixedVersion: null, details: { secretValidity: "active" },
  firstSeenAt: new Date(0), fixedAt: null, dismissedAt: null, dismissReason: null, dismissComment: null, dismissedBy: null, dueAt: null,
  priorityScore: 40, priorityLevel: "P2", contentHash: null,
});

test("every compared field moves the digest; lifecycle, priority and key order do not", () => {
  const h = contentHash(base());
  const changed: Record<string, unknown> = {
    severity: Severity.LOW, ruleId: "other", title: "t", message: "m", path: "p", startLine: 11, endLine: null, startColumn: 4, endColumn: 41,
    vulnerabilityId: "CVE-2024-1", cvssScore: 7.5, packageVersion: "1", fixedVersion: "2",
  };
  for (const k of MATERIAL) assert.notEqual(contentHash({ ...base(), [k]: changed[k] }), h, k);
  for (const [k, v] of Object.entries({ category: FindingCategory.SECRET, ruleRefId: null, toolVersion: "2", details: { secretValidity: "inactive" } })) {
    assert.notEqual(contentHash({ ...base(), [k]: v }), h, k);
  }
  assert.notEqual(contentHash({ ...base(), message: null }), contentHash({ ...base(), message: "" }), "null is not the empty string");
  for (const [k, v] of Object.entries({ state: FindingState.FIXED, firstSeenAt: new Date(5), dueAt: new Date(9), priorityScore: 90, priorityLevel: "P0", dismissedBy: "x" })) {
    assert.equal(contentHash({ ...base(), [k]: v }), h, k);
  }
  assert.equal(contentHash({ ...base(), details: { b: 1, a: 2 } }), contentHash({ ...base(), details: { a: 2, b: 1 } }));
  assert.equal(contentHash({ ...base(), details: {} }), contentHash({ ...base(), details: null as unknown as Record<string, unknown> }));
});

test("canonical JSON sorts keys at every depth", () => {
  assert.equal(canonical({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), `{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}`);
});
