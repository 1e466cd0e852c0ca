/**
 * The priority policy: every weight, threshold and cut-off the default strategy
 * uses, as one plain JSON object so it can be stored in the database, edited by
 * an administrator and versioned. Validation lives in priority-policy.validation.ts.
 *
 * Design rule the default weights follow (and validation enforces): every
 * discrete weight is an integer and the largest attainable sum of all factors
 * is at most 100. Contributions are whole points, so a strictly better input
 * always moves the score by at least one point and nothing is ever clamped at
 * 100 — two different findings never collapse to the same score at the top.
 */
import { Criticality, FindingCategory, Severity } from "../common/types";

export interface PriorityPolicy {
  /** Bumped whenever the stored policy changes; stored next to each score. */
  version: number;
  /** Base points per severity. */
  severity: Record<Severity, number>;
  cvss: {
    /** Points per CVSS point (0-10); rounded to whole points. */
    pointsPerCvssPoint: number;
    /** CVSS assumed when a finding has none (SAST, posture, secrets): the middle of the severity's CVSS band. */
    assumedBySeverity: Record<Severity, number>;
  };
  kev: {
    /** Points when the vulnerability is on the CISA KEV catalog. */
    listed: number;
    /** Extra points when KEV says it is known to be used in ransomware campaigns. */
    ransomware: number;
  };
  epss: {
    /** Points at EPSS probability 1.0; the contribution is maxPoints × √score, rounded. */
    maxPoints: number;
  };
  /** Points by secret validity; a SECRET finding with no validity check counts as unknown. */
  secretValidity: { active: number; unknown: number; inactive: number };
  /** Code-to-cloud context, taken from the single most exposed resource. */
  deployment: {
    deployed: number;
    internetExposed: number;
    sensitiveData: number;
    production: number;
    criticality: Record<Criticality, number>;
  };
  /** Points when a fix is available (actionable now); none when there is no fix or it is unknown. */
  fixAvailable: number;
  /** Dependency scope; "unknown" applies to DEPENDENCY and CONTAINER findings without a scope. */
  dependencyScope: { runtime: number; unknown: number; development: number };
  /** Category adjustment (a leaked secret needs no exploit; posture weakens the pipeline). */
  category: Record<FindingCategory, number>;
  sla: {
    /** Days from first seen to due, per severity; null = no SLA. */
    days: Record<Severity, number | null>;
    /** Points once an OPEN finding is past its due date. */
    overdueBase: number;
    /** Further points per full week overdue. */
    overduePerWeek: number;
    /** Cap on the whole overdue contribution. */
    overdueMax: number;
  };
  /** Minimum score per level; below P3 is P4. Strictly decreasing. */
  levels: { P0: number; P1: number; P2: number; P3: number };
}

export const DEFAULT_PRIORITY_POLICY: PriorityPolicy = {
  version: 1,
  severity: { CRITICAL: 16, HIGH: 12, MEDIUM: 8, LOW: 4, INFO: 1 },
  cvss: {
    pointsPerCvssPoint: 1,
    assumedBySeverity: { CRITICAL: 9.5, HIGH: 8, MEDIUM: 5.5, LOW: 2, INFO: 0 },
  },
  kev: { listed: 16, ransomware: 4 },
  epss: { maxPoints: 8 },
  secretValidity: { active: 12, unknown: 5, inactive: 0 },
  deployment: {
    deployed: 4,
    internetExposed: 8,
    sensitiveData: 3,
    production: 3,
    criticality: { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 },
  },
  fixAvailable: 2,
  dependencyScope: { runtime: 4, unknown: 2, development: 0 },
  category: { CODE: 0, SECRET: 2, DEPENDENCY: 0, IAC: 0, CONTAINER: 0, POSTURE: 1 },
  sla: {
    days: { CRITICAL: 7, HIGH: 30, MEDIUM: 90, LOW: 180, INFO: null },
    overdueBase: 2,
    overduePerWeek: 0.5,
    overdueMax: 4,
  },
  levels: { P0: 60, P1: 45, P2: 30, P3: 15 },
};

const maxOf = (r: Record<string, number>): number => Math.max(...Object.values(r));

/**
 * The largest sum of contributions any input can reach under this policy.
 * Validation rejects a policy where it exceeds 100, because the score would
 * then clamp and distinct findings could tie at 100.
 */
export function maxAttainableScore(p: PriorityPolicy): number {
  const d = p.deployment;
  return (
    maxOf(p.severity) +
    Math.round(10 * p.cvss.pointsPerCvssPoint) +
    p.kev.listed + p.kev.ransomware +
    Math.round(p.epss.maxPoints) +
    maxOf(p.secretValidity) +
    d.deployed + d.internetExposed + d.sensitiveData + d.production + maxOf(d.criticality) +
    p.fixAvailable +
    maxOf(p.dependencyScope) +
    maxOf(p.category) +
    Math.round(p.sla.overdueMax)
  );
}
