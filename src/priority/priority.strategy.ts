/**
 * The remediation priority strategy: a pure function of a finding and its
 * context (no database, no clock — `now` is an input). The derive stage stores
 * its score and level as columns; the resolver shows its factors.
 *
 * Policy behind an interface with one default implementation in this file
 * (architecture rule 6): another strategy can be configured without touching
 * callers.
 */
import { FindingState, PriorityLevel } from "../common/types";
import { PriorityPolicy } from "./priority.policy";
import {
  ageFactors, baseFactors, deploymentFactors, exploitationFactors, remediationFactors, secretFactors,
} from "./priority.factors";
import { defaultPrioritySql } from "./priority.sql";
import type { PriorityInput, PriorityResult, PriorityStrategy } from "./priority.types";
export type { PriorityFactor, PriorityInput, PriorityResult, PriorityStrategy, ResourceContext } from "./priority.types";






/** The level for a score under the policy's cut-offs. */
export function priorityLevel(score: number, policy: PriorityPolicy): PriorityLevel {
  const l = policy.levels;
  if (score >= l.P0) return PriorityLevel.P0;
  if (score >= l.P1) return PriorityLevel.P1;
  if (score >= l.P2) return PriorityLevel.P2;
  if (score >= l.P3) return PriorityLevel.P3;
  return PriorityLevel.P4;
}

/**
 * Additive whole-point factors: base (severity + CVSS), exploitation (KEV,
 * ransomware, EPSS), secret validity, code-to-cloud context of the most
 * exposed resource, remediation (fix, dependency scope, category) and age
 * against the SLA.
 *
 * Non-OPEN findings are not damped: a FIXED or DISMISSED finding keeps the
 * score it would have if open, so reports by level (MTTR of P0s, SLA
 * compliance) and a reopen see the same priority; only the overdue factor is
 * dropped, since a closed finding is not overdue. Filter by state to hide them.
 */
export class DefaultPriorityStrategy implements PriorityStrategy {
  readonly sql = defaultPrioritySql;

  compute(input: PriorityInput, policy: PriorityPolicy): PriorityResult {
    const factors = [
      ...baseFactors(input, policy),
      ...exploitationFactors(input, policy),
      ...secretFactors(input, policy),
      ...deploymentFactors(input, policy),
      ...remediationFactors(input, policy),
      ...ageFactors(input, policy),
    ];
    if (input.state !== FindingState.OPEN) {
      factors.push({
        key: "state", label: "State", contribution: 0,
        detail: `${input.state}: scored as if open (no damping), overdue not counted`,
      });
    }
    const sum = factors.reduce((acc, f) => acc + f.contribution, 0);
    const score = Math.min(100, Math.max(0, Math.round(sum)));
    // Unreachable with a validated policy (max sum <= 100, no negatives, whole points);
    // kept so the factors still add up if an unvalidated policy is passed.
    if (score !== sum) {
      factors.push({ key: "clamp", label: "Rounded and clamped to 0..100", contribution: score - sum, detail: `raw sum ${sum}` });
    }
    return { score, level: priorityLevel(score, policy), factors };
  }
}
