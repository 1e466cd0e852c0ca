import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_PRIORITY_POLICY, maxAttainableScore } from "./priority.policy";
import { validatePriorityPolicy } from "./priority-policy.validation";

/** A deep copy of the default policy with one change applied. */
function tweak(change: (p: any) => void): unknown {
  const p = JSON.parse(JSON.stringify(DEFAULT_PRIORITY_POLICY));
  change(p);
  return p;
}

test("the default policy is valid, survives a JSON round trip and stays below 100", () => {
  assert.deepEqual(validatePriorityPolicy(JSON.parse(JSON.stringify(DEFAULT_PRIORITY_POLICY))), DEFAULT_PRIORITY_POLICY);
  assert.ok(maxAttainableScore(DEFAULT_PRIORITY_POLICY) < 100);
});

const bad: [string, unknown, RegExp][] = [
  ["not an object", "P0", /policy must be an object/],
  ["an array", [], /policy must be an object/],
  ["an unknown top-level key", tweak((p) => { p.bonus = 3; }), /unknown key bonus/],
  ["an unknown nested key", tweak((p) => { p.kev.exploitDb = 1; }), /unknown key kev\.exploitDb/],
  ["a missing key", tweak((p) => { delete p.epss; }), /missing key epss/],
  ["a missing severity", tweak((p) => { delete p.severity.INFO; }), /missing key severity\.INFO/],
  ["a negative weight", tweak((p) => { p.deployment.production = -2; }), /deployment\.production must not be negative/],
  ["a string weight", tweak((p) => { p.fixAvailable = "2"; }), /fixAvailable must be a finite number/],
  ["a fractional discrete weight", tweak((p) => { p.kev.listed = 15.5; }), /kev\.listed must be an integer/],
  ["non-monotonic level cut-offs", tweak((p) => { p.levels.P1 = 70; }), /levels\.P0 \(60\) must be > levels\.P1 \(70\)/],
  ["equal level cut-offs", tweak((p) => { p.levels.P3 = 30; }), /levels\.P2 \(30\) must be > levels\.P3 \(30\)/],
  ["a cut-off above 100", tweak((p) => { p.levels.P0 = 101; }), /levels\.P0 must be within 1\.\.100/],
  ["severity out of order", tweak((p) => { p.severity.LOW = 9; }), /severity\.MEDIUM \(8\) must be > severity\.LOW \(9\)/],
  ["secret validity out of order", tweak((p) => { p.secretValidity.inactive = 6; }), /secretValidity\.unknown \(5\) must be >= secretValidity\.inactive/],
  ["dev scope above runtime", tweak((p) => { p.dependencyScope.development = 4; }), /runtime must be > dependencyScope\.development/],
  ["shorter SLA for a milder severity", tweak((p) => { p.sla.days.LOW = 30; }), /sla\.days must not get shorter/],
  ["an assumed CVSS above 10", tweak((p) => { p.cvss.assumedBySeverity.CRITICAL = 11; }), /within 0\.\.10/],
  ["weights summing past 100", tweak((p) => { p.kev.listed = 30; }), /largest attainable score is 113/],
];

for (const [what, policy, message] of bad) {
  test(`validatePriorityPolicy rejects ${what}`, () => {
    assert.throws(() => validatePriorityPolicy(policy), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /^invalid priority policy: /);
      assert.match(e.message, message);
      return true;
    });
  });
}

test("validatePriorityPolicy lists every problem at once", () => {
  const p = tweak((q) => { q.extra = 1; q.fixAvailable = -1; });
  assert.throws(() => validatePriorityPolicy(p), /unknown key extra; fixAvailable must not be negative/);
});

test("an SLA of null (no SLA) is accepted for any severity", () => {
  assert.doesNotThrow(() => validatePriorityPolicy(tweak((p) => { p.sla.days.LOW = null; })));
});
