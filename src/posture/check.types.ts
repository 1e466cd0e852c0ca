import type { Platform } from "../inventory/settings";
import type { PostureTarget, TargetKind } from "./targets";

export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "INFO";
export type CheckStatus = "PASS" | "FAIL" | "UNKNOWN";

/** Plain JSON saying what was read, e.g. { sources: ["ruleset:org:acme:protect-main"] }. */
export type Evidence = Record<string, unknown>;

/** UNKNOWN is never a failure: it says the input could not be read, and why. */
export type CheckOutcome =
  | { status: "PASS"; evidence: Evidence }
  | { status: "FAIL"; evidence: Evidence }
  | { status: "UNKNOWN"; reason: string; evidence?: Evidence };

export type ParameterValue = number | boolean | string | string[];
export type CheckParameters = Record<string, ParameterValue>;

export interface CheckContext {
  /** When the evaluation runs (for checks that look at ages). */
  now: Date;
}

export interface PostureCheckDefinition<T extends PostureTarget = PostureTarget, P extends CheckParameters = CheckParameters> {
  /** Stable public id: users filter and configure by it. */
  checkId: string;
  title: string;
  platform: Platform;
  targetKind: TargetKind;
  /** The default; configuration may change it. */
  severity: Severity;
  rationale: string;
  remediation: string;
  docsUrl: string;
  /** Defaults; configuration overrides them key by key (a value of another type is refused). */
  parameters: P;
  // Method syntax on purpose: checks of different target and parameter types share one registry list.
  evaluate(target: T, params: P, ctx: CheckContext): CheckOutcome;
}

export const pass = (evidence: Evidence): CheckOutcome => ({ status: "PASS", evidence });
export const fail = (evidence: Evidence): CheckOutcome => ({ status: "FAIL", evidence });
export const unknown = (reason: string, evidence?: Evidence): CheckOutcome => (evidence ? { status: "UNKNOWN", reason, evidence } : { status: "UNKNOWN", reason });

/**
 * A boolean setting read straight into an outcome: true passes, false fails,
 * "unknown" is UNKNOWN with `reason` (or the inverse when `bad` is true: the
 * setting being on is the problem).
 */
export function fromTri(value: boolean | "unknown", reason: string, evidence: Evidence, bad = false): CheckOutcome {
  if (value === "unknown") return unknown(reason, evidence);
  return value !== bad ? pass(evidence) : fail(evidence);
}
