import { test } from "node:test";
import assert from "node:assert/strict";
import { Criticality, FindingCategory, FindingState, PriorityLevel, Severity } from "../common/types";
import { DEFAULT_PRIORITY_POLICY as P, maxAttainableScore } from "./priority.policy";
import { DefaultPriorityStrategy, PriorityInput, priorityLevel } from "./priority.strategy";
import { NOW, maxEverything } from "../../test/fixtures/priority.fixtures";

const strategy = new DefaultPriorityStrategy();
const score = (i: PriorityInput): number => strategy.compute(i, P).score;
const DAY = 86_400_000;

function base(over: Partial<PriorityInput> = {}): PriorityInput {
  return {
    category: FindingCategory.DEPENDENCY, severity: Severity.HIGH, state: FindingState.OPEN,
    cvssScore: 7.5, vulnerabilityId: "CVE-2024-53704", kev: null, epss: null, secretValidity: null,
    fixAvailable: null, dependencyScope: null, resources: [],
    firstSeenAt: new Date(NOW.getTime() - 2 * DAY), dueAt: null, now: NOW, ...over,
  };
}
const apiProd = {
  id: "r1", name: "api-prod", internetExposed: true, sensitiveData: false, production: true,
  criticality: null, via: "deployment",
};
const internal = { ...apiProd, id: "r2", name: "batch-internal", internetExposed: false, production: false };

test("deployed to an internet-exposed production resource > deployed internally > not deployed", () => {
  const exposed = score(base({ resources: [apiProd] }));
  const inside = score(base({ resources: [internal] }));
  const none = score(base());
  assert.ok(exposed > inside && inside > none, `${exposed} > ${inside} > ${none}`);
});

test("on KEV at CVSS 7.5 (HIGH) outranks not on KEV at CVSS 9.8 (CRITICAL)", () => {
  const kev = score(base({ kev: { dateAdded: "2025-01-09", knownRansomwareCampaignUse: false } }));
  const hot = score(base({ severity: Severity.CRITICAL, cvssScore: 9.8 }));
  assert.ok(kev > hot, `${kev} > ${hot}`);
});

test("active secret > unknown validity > revoked (inactive)", () => {
  const s = (v: PriorityInput["secretValidity"]) =>
    score(base({ category: FindingCategory.SECRET, cvssScore: null, vulnerabilityId: null, secretValidity: v }));
  assert.ok(s("active") > s("unknown") && s("unknown") > s("inactive"));
  assert.equal(s(null), s("unknown"), "an unchecked secret counts as unknown");
});

test("runtime dependency > development dependency; fix available >= no fix", () => {
  assert.ok(score(base({ dependencyScope: "runtime" })) > score(base({ dependencyScope: "development" })));
  assert.ok(score(base({ fixAvailable: true })) >= score(base({ fixAvailable: false })));
});

test("CRITICAL > HIGH > MEDIUM > LOW > INFO, with and without a CVSS score", () => {
  for (const cvss of [null, 5]) {
    const s = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO]
      .map((severity) => score(base({ severity, cvssScore: cvss })));
    for (let i = 0; i + 1 < s.length; i++) assert.ok(s[i] > s[i + 1], `cvss ${cvss}: ${s.join(" > ")}`);
  }
});

test("factor details name their evidence", () => {
  const r = strategy.compute(base({
    kev: { dateAdded: "2025-01-09", knownRansomwareCampaignUse: true },
    epss: { score: 0.94321, percentile: 0.99912 },
    resources: [internal, apiProd],
  }), P);
  const detail = (k: string) => r.factors.find((f) => f.key === k)?.detail;
  assert.equal(detail("kev"), "CVE-2024-53704 on CISA KEV since 2025-01-09, used in ransomware");
  assert.equal(detail("epss"), "EPSS 0.94321 (percentile 0.99912) for CVE-2024-53704");
  assert.equal(detail("deployment"), "api-prod (internet-exposed, production) via deployment (most exposed of 2 resources)");
  assert.equal(detail("internet_exposure"), "api-prod is internet-exposed");
  assert.equal(detail("cvss"), "CVSS 7.5 (CVE-2024-53704)");
  assert.ok(r.factors.some((f) => f.key === "kev_ransomware" && f.contribution === P.kev.ransomware));
  assert.equal(r.factors.find((f) => f.key === "deployment")?.contribution, P.deployment.deployed);
});

test("a missing CVSS is assumed from the severity and says so", () => {
  const r = strategy.compute(base({ cvssScore: null }), P);
  assert.deepEqual(r.factors.find((f) => f.key === "cvss"),
    { key: "cvss", label: "CVSS", contribution: 8, detail: "no CVSS score; 8.0 assumed from HIGH severity" });
});

test("factors add up exactly to the score, and the level follows the cut-offs", () => {
  const r = strategy.compute(base({ resources: [apiProd], fixAvailable: true, dependencyScope: "runtime" }), P);
  assert.equal(r.factors.reduce((a, f) => a + f.contribution, 0), r.score);
  assert.equal(r.level, priorityLevel(r.score, P));
});

test("max-everything stays below 100 without clamping, and every downgrade still lowers it", () => {
  const top = strategy.compute(maxEverything(), P);
  assert.equal(top.score, maxAttainableScore(P), "max-everything reaches the policy's maximum");
  assert.ok(top.score < 100, `${top.score} < 100`);
  assert.equal(top.factors.find((f) => f.key === "clamp"), undefined);
  assert.equal(top.level, PriorityLevel.P0);
  const m = maxEverything();
  const downgrades: Partial<PriorityInput>[] = [
    { resources: [{ ...m.resources[0], internetExposed: false }] },
    { resources: [] },
    { kev: null },
    { kev: { dateAdded: "2025-01-09", knownRansomwareCampaignUse: false } },
    { secretValidity: "unknown" },
    { dependencyScope: "development" },
    { severity: Severity.HIGH },
    { fixAvailable: false },
  ];
  for (const d of downgrades) {
    assert.ok(score({ ...m, ...d }) < top.score, `downgrade ${JSON.stringify(d)} must lower ${top.score}`);
  }
});

test("overdue OPEN findings gain points; closed findings keep their score but are not overdue", () => {
  const old = new Date(NOW.getTime() - 60 * DAY); // HIGH SLA is 30 days: 30 days overdue
  const open = strategy.compute(base({ firstSeenAt: old }), P);
  const overdue = open.factors.find((f) => f.key === "sla_overdue");
  assert.ok(overdue);
  assert.equal(overdue.contribution, Math.min(P.sla.overdueMax, P.sla.overdueBase + P.sla.overduePerWeek * 4));
  assert.match(overdue.detail ?? "", /^due 2025-05-02, 30 days overdue \(first seen 2025-04-02\)$/);
  const fixed = strategy.compute(base({ firstSeenAt: old, state: FindingState.FIXED }), P);
  assert.equal(fixed.score, open.score - overdue.contribution);
  assert.equal(score(base({ state: FindingState.DISMISSED })), score(base()));
  const explicitDue = strategy.compute(base({ dueAt: new Date(NOW.getTime() - DAY) }), P);
  assert.ok(explicitDue.factors.some((f) => f.key === "sla_overdue"), "an explicit dueAt wins over the SLA");
});

test("resource criticality and sensitive data add to deployed context", () => {
  const plain = score(base({ resources: [internal] }));
  const rich = score(base({ resources: [{ ...internal, sensitiveData: true, criticality: Criticality.HIGH }] }));
  assert.equal(rich - plain, P.deployment.sensitiveData + P.deployment.criticality.HIGH);
});

test("priorityLevel boundaries", () => {
  assert.equal(priorityLevel(P.levels.P0, P), PriorityLevel.P0);
  assert.equal(priorityLevel(P.levels.P0 - 1, P), PriorityLevel.P1);
  assert.equal(priorityLevel(P.levels.P2, P), PriorityLevel.P2);
  assert.equal(priorityLevel(P.levels.P3, P), PriorityLevel.P3);
  assert.equal(priorityLevel(P.levels.P3 - 1, P), PriorityLevel.P4);
  assert.equal(priorityLevel(0, P), PriorityLevel.P4);
});
