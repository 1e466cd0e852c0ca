/**
 * Test support (not a test file): a seeded generator of realistic-but-random
 * PriorityInputs, so property tests are reproducible — a failure prints the
 * seed and the case index.
 */
import { Criticality, FindingCategory, FindingState, Severity } from "../common/types";
import type { PriorityInput, ResourceContext } from "./priority.strategy";

export const NOW = new Date("2025-06-01T12:00:00Z");
const DAY = 86_400_000;

import { mulberry32 as rng } from "../common/random";
export { rng };

export class Gen {
  constructor(readonly rand: () => number) {}
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.rand() * xs.length)]; }
  bool(p = 0.5): boolean { return this.rand() < p; }
  maybe<T>(make: () => T, p = 0.5): T | null { return this.bool(p) ? make() : null; }
  int(lo: number, hi: number): number { return lo + Math.floor(this.rand() * (hi - lo + 1)); }

  resource(i: number): ResourceContext {
    return {
      id: `res-${i}-${this.int(0, 9999)}`,
      name: this.pick(["api-prod", "web-staging", "batch-worker", "db-reports", "edge-gw"]) + `-${i}`,
      internetExposed: this.bool(),
      sensitiveData: this.bool(),
      production: this.bool(),
      criticality: this.maybe(() => this.pick(Object.values(Criticality)), 0.7),
      via: this.pick(["deployment", "iac-tag", "image-digest"]),
    };
  }

  input(): PriorityInput {
    const firstSeenAt = new Date(NOW.getTime() - this.int(0, 400) * DAY);
    return {
      category: this.pick(Object.values(FindingCategory)),
      severity: this.pick(Object.values(Severity)),
      state: this.pick([FindingState.OPEN, FindingState.OPEN, FindingState.FIXED, FindingState.DISMISSED]),
      cvssScore: this.maybe(() => Math.round(this.rand() * 100) / 10, 0.7),
      vulnerabilityId: this.maybe(() => `CVE-20${this.int(10, 25)}-${this.int(1000, 59999)}`, 0.7),
      kev: this.maybe(() => ({ dateAdded: "2024-11-0" + this.int(1, 9), knownRansomwareCampaignUse: this.bool() }), 0.3),
      epss: this.maybe(() => ({ score: this.rand(), percentile: this.rand() }), 0.6),
      secretValidity: this.maybe(() => this.pick(["active", "inactive", "unknown"] as const), 0.4),
      fixAvailable: this.maybe(() => this.bool(), 0.7),
      dependencyScope: this.maybe(() => this.pick(["runtime", "development"] as const), 0.5),
      resources: Array.from({ length: this.int(0, 3) }, (_, i) => this.resource(i)),
      firstSeenAt,
      dueAt: this.maybe(() => new Date(firstSeenAt.getTime() + this.int(1, 200) * DAY), 0.5),
      now: NOW,
    };
  }
}

/** Runs `check` on `count` generated inputs; the message names the seed and case on failure. */
export function forAll(seed: number, count: number, check: (input: PriorityInput, g: Gen) => void): void {
  const g = new Gen(rng(seed));
  for (let i = 0; i < count; i++) {
    const input = g.input();
    try {
      check(input, g);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new Error(`property failed (seed ${seed}, case ${i}): ${msg}\ninput: ${JSON.stringify(input)}`);
    }
  }
}

/** Everything that raises priority, at its maximum. */
export function maxEverything(): PriorityInput {
  const firstSeenAt = new Date(NOW.getTime() - 400 * DAY);
  return {
    category: FindingCategory.SECRET,
    severity: Severity.CRITICAL,
    state: FindingState.OPEN,
    cvssScore: 10,
    vulnerabilityId: "CVE-2024-53704",
    kev: { dateAdded: "2025-01-09", knownRansomwareCampaignUse: true },
    epss: { score: 1, percentile: 1 },
    secretValidity: "active",
    fixAvailable: true,
    dependencyScope: "runtime",
    resources: [{
      id: "r1", name: "api-prod", internetExposed: true, sensitiveData: true, production: true,
      criticality: Criticality.CRITICAL, via: "deployment",
    }],
    firstSeenAt,
    dueAt: null,
    now: NOW,
  };
}
