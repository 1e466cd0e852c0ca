import { FindingState, SEVERITY_RANK } from "../common/types";
import { storable } from "../db/pg-array";
import type { FindingWrite } from "./finding-store.sql";
import type { Known } from "./finding-store.read";
import type { FindingInput } from "./finding-store.types";

/**
 * A finding's lifecycle on each sighting (pure): the state the source reports
 * (its own state, or a SARIF suppression), a dismissal made here by a person
 * outliving re-sightings, and the times carried over from what was stored.
 * Fixing what is no longer reported happens in finding-load.ts (complete loads only).
 */
export function toWrite(input: FindingInput, prev: Known | undefined, ruleRefId: string | null, repositoryId: string, now: Date): FindingWrite & { repositoryId: string } {
  let state = FindingState.OPEN;
  let dismissReason: string | null = null, dismissComment: string | null = null, dismissedBy: string | null = null;
  let dismissedAt: Date | null = null, fixedAt: Date | null = null;
  if (input.sourceState) {
    state = input.sourceState.state;
    if (state === FindingState.DISMISSED) {
      dismissReason = input.sourceState.dismissReason ?? null; dismissComment = input.sourceState.dismissComment ?? null;
      dismissedBy = "source"; dismissedAt = input.sourceState.at ?? now;
    } else if (state === FindingState.FIXED) fixedAt = input.sourceState.at ?? now;
  } else if (input.suppressed) {
    state = FindingState.DISMISSED; dismissReason = input.suppressionReason ?? "suppressed in source"; dismissedBy = "source"; dismissedAt = now;
  }
  // A dismissal made here by a person outlives re-sightings; the source cannot undo it.
  if (prev && prev.state === FindingState.DISMISSED && prev.dismissedBy !== "source" && state === FindingState.OPEN) {
    state = prev.state; dismissReason = prev.dismissReason; dismissComment = prev.dismissComment; dismissedBy = prev.dismissedBy; dismissedAt = prev.dismissedAt;
  }
  if (prev && state === prev.state) {
    dismissedAt = prev.dismissedAt ?? dismissedAt;
    fixedAt = prev.fixedAt ?? fixedAt;
  }
  return {
    repositoryId,
    // Strings as PostgreSQL stores them (NUL, lone surrogates -> U+FFFD), so a re-upload compares equal to what was stored.
    fingerprint: input.fingerprint, category: input.category, severity: input.severity, severityRank: SEVERITY_RANK[input.severity], state,
    title: storable(input.title.slice(0, 500)), message: st(input.message), ruleId: storable(input.ruleId), ruleRefId, tool: storable(input.tool), toolVersion: st(input.toolVersion),
    path: st(input.path), startLine: input.startLine, endLine: input.endLine, startColumn: input.startColumn, endColumn: input.endColumn,
    snippet: st(input.snippet), vulnerabilityId: st(input.vulnerabilityId), cwes: input.cwes.map(storable), cvssScore: input.cvssScore, cvssVector: st(input.cvssVector),
    packageName: st(input.packageName), packageVersion: st(input.packageVersion), fixedVersion: st(input.fixedVersion), details: input.details ?? {},
    firstSeenAt: prev?.firstSeenAt ?? now, fixedAt: state === FindingState.FIXED ? fixedAt : null,
    dismissedAt: state === FindingState.DISMISSED ? dismissedAt : null, dismissReason, dismissComment, dismissedBy,
    dueAt: prev?.dueAt ?? null, priorityScore: prev?.priorityScore ?? 0, priorityLevel: prev?.priorityLevel ?? "P4", contentHash: null,
  };
}

const st = (s: string | null): string | null => (s === null ? null : storable(s));

/** Equal as stored: null and undefined alike, reals within what a real column keeps. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null && b == null) return true;
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) < 1e-6;
  return false;
}
