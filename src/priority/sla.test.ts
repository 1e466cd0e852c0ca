import { test } from "node:test";
import assert from "node:assert/strict";
import { Severity } from "../common/types";
import { DEFAULT_PRIORITY_POLICY as P } from "./priority.policy";
import { daysOverdue, slaDueAt } from "./sla";

const seen = new Date("2025-03-01T10:30:00Z");

test("slaDueAt adds the policy's days per severity", () => {
  assert.equal(slaDueAt(Severity.CRITICAL, seen, P)?.toISOString(), "2025-03-08T10:30:00.000Z");
  assert.equal(slaDueAt(Severity.HIGH, seen, P)?.toISOString(), "2025-03-31T10:30:00.000Z");
  assert.equal(slaDueAt(Severity.MEDIUM, seen, P)?.toISOString(), "2025-05-30T10:30:00.000Z");
  assert.equal(slaDueAt(Severity.LOW, seen, P)?.toISOString(), "2025-08-28T10:30:00.000Z");
});

test("INFO has no SLA", () => {
  assert.equal(slaDueAt(Severity.INFO, seen, P), null);
});

test("daysOverdue counts whole days past due, 0 before", () => {
  const due = new Date("2025-03-08T10:30:00Z");
  assert.equal(daysOverdue(due, new Date("2025-03-08T10:29:00Z")), 0);
  assert.equal(daysOverdue(due, new Date("2025-03-09T10:29:00Z")), 0);
  assert.equal(daysOverdue(due, new Date("2025-03-09T10:30:00Z")), 1);
  assert.equal(daysOverdue(due, new Date("2025-04-08T10:30:00Z")), 31);
});
