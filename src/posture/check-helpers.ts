import type { BranchProtection, Tri } from "../inventory/settings";
import { CheckOutcome, Evidence, fail, pass, unknown } from "./check.types";

/** Shared by the branch checks of both platforms: what was read, and why a value is unknown. */

export function protectionReason(p: BranchProtection): string {
  return p.unreadable.length
    ? `the connector could not read ${p.unreadable.join(", ")} (its token lacks the access, or it was not synced yet)`
    : "the connector could not read the protection of the default branch";
}

export const protectionEvidence = (p: BranchProtection, extra: Evidence = {}): Evidence => ({
  branch: p.branch, sources: p.sources, ...(p.evaluateOnly.length ? { evaluateOnly: p.evaluateOnly } : {}), ...extra,
});

/** The outcome of an empty repository: no default branch, nothing to protect yet. */
export function noBranch(p: BranchProtection): CheckOutcome | null {
  return p.branch === null ? unknown("the repository has no default branch (it is empty)", { branch: null }) : null;
}

/** A protection flag of the default branch: true passes, false fails, unknown is UNKNOWN with what could not be read. */
export function branchFlag(p: BranchProtection, value: Tri, field: string, extra: Evidence = {}): CheckOutcome {
  const none = noBranch(p);
  if (none) return none;
  const evidence = protectionEvidence(p, { [field]: value, ...extra });
  if (value === "unknown") return unknown(protectionReason(p), evidence);
  return value ? pass(evidence) : fail(evidence);
}

/** At least `min` approvals required; a lower count read while something was unreadable is not known to be the whole truth. */
export function minApprovalsOutcome(p: BranchProtection, min: number): CheckOutcome {
  const none = noBranch(p);
  if (none) return none;
  const evidence = protectionEvidence(p, { requirePullRequest: p.requirePullRequest, minApprovals: p.minApprovals, required: min });
  if (p.minApprovals !== "unknown" && p.requirePullRequest === true && p.minApprovals >= min) return pass(evidence);
  if (p.minApprovals === "unknown" || p.requirePullRequest === "unknown" || p.unreadable.length) return unknown(protectionReason(p), evidence);
  return fail(evidence);
}
