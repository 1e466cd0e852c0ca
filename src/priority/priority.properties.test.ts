/**
 * Property-style tests: for many random base inputs, changing only one
 * attribute moves the score in the promised direction — strictly where the
 * product says ">", weakly where it says "at least as high".
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Severity } from "../common/types";
import { DEFAULT_PRIORITY_POLICY as P } from "./priority.policy";
import { DefaultPriorityStrategy, PriorityInput, priorityLevel } from "./priority.strategy";
import { forAll } from "../../test/fixtures/priority.fixtures";

const strategy = new DefaultPriorityStrategy();
const score = (i: PriorityInput): number => strategy.compute(i, P).score;
const N = 1000;

function strictlyDecreasing(values: number[], what: string): void {
  for (let i = 0; i + 1 < values.length; i++) {
    assert.ok(values[i] > values[i + 1], `${what}: ${values.join(" > ")}`);
  }
}

test("property: internet-exposed production > deployed internally > not deployed", () => {
  forAll(1, N, (input, g) => {
    const r = g.resource(0);
    strictlyDecreasing([
      score({ ...input, resources: [{ ...r, internetExposed: true, production: true }] }),
      score({ ...input, resources: [{ ...r, internetExposed: false }] }),
      score({ ...input, resources: [] }),
    ], "deployment");
  });
});

test("property: adding a resource never lowers the score", () => {
  forAll(2, N, (input, g) => {
    assert.ok(score({ ...input, resources: [...input.resources, g.resource(9)] }) >= score(input));
  });
});

test("property: KEV > not KEV; KEV at CVSS 7.5/HIGH > not KEV at CVSS 9.8/CRITICAL; ransomware > not", () => {
  forAll(3, N, (input, g) => {
    const kev = { dateAdded: "2025-01-09", knownRansomwareCampaignUse: g.bool() };
    assert.ok(score({ ...input, kev }) > score({ ...input, kev: null }), "kev vs none");
    assert.ok(
      score({ ...input, kev, cvssScore: 7.5, severity: Severity.HIGH }) >
      score({ ...input, kev: null, cvssScore: 9.8, severity: Severity.CRITICAL }), "kev 7.5 vs 9.8");
    assert.ok(
      score({ ...input, kev: { ...kev, knownRansomwareCampaignUse: true } }) >
      score({ ...input, kev: { ...kev, knownRansomwareCampaignUse: false } }), "ransomware");
  });
});

test("property: active secret > unknown validity > inactive", () => {
  forAll(4, N, (input) => {
    strictlyDecreasing((["active", "unknown", "inactive"] as const)
      .map((secretValidity) => score({ ...input, secretValidity })), "secret validity");
  });
});

test("property: runtime dependency > development dependency", () => {
  forAll(5, N, (input) => {
    assert.ok(score({ ...input, dependencyScope: "runtime" }) > score({ ...input, dependencyScope: "development" }));
  });
});

test("property: fix available >= no fix (and >= unknown)", () => {
  forAll(6, N, (input) => {
    const fix = score({ ...input, fixAvailable: true });
    assert.ok(fix >= score({ ...input, fixAvailable: false }));
    assert.ok(fix >= score({ ...input, fixAvailable: null }));
  });
});

test("property: CRITICAL > HIGH > MEDIUM > LOW > INFO", () => {
  forAll(7, N, (input) => {
    strictlyDecreasing([Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO]
      .map((severity) => score({ ...input, severity })), "severity");
  });
});

test("property: higher EPSS and higher CVSS never lower the score", () => {
  forAll(8, N, (input, g) => {
    const [a, b] = [g.rand(), g.rand()].sort((x, y) => x - y);
    assert.ok(score({ ...input, epss: { score: b, percentile: b } }) >= score({ ...input, epss: { score: a, percentile: a } }));
    assert.ok(score({ ...input, cvssScore: 10 * b }) >= score({ ...input, cvssScore: 10 * a }));
  });
});

test("property: integer score in 0..100, factors sum exactly to it, level from cut-offs, no clamp", () => {
  forAll(9, N, (input) => {
    const r = strategy.compute(input, P);
    assert.ok(Number.isInteger(r.score) && r.score >= 0 && r.score < 100, `score ${r.score}`);
    assert.equal(r.factors.reduce((a, f) => a + f.contribution, 0), r.score);
    assert.equal(r.level, priorityLevel(r.score, P));
    assert.equal(r.factors.find((f) => f.key === "clamp"), undefined);
    for (const f of r.factors) assert.ok(f.detail && f.detail.length > 0, `factor ${f.key} has a detail`);
  });
});

test("property: the strategy is pure (same input, same result; input not mutated)", () => {
  forAll(10, 200, (input) => {
    const before = JSON.stringify(input);
    assert.deepEqual(strategy.compute(input, P), strategy.compute(input, P));
    assert.equal(JSON.stringify(input), before);
  });
});
