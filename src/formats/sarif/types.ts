import { DomainError } from "../../common/errors";
import { FindingCategory, Severity } from "../../common/types";
import type { FindingInput, RuleInput } from "../../findings";

export { FindingCategory, Severity };

/** Rule metadata as declared by the tool (driver or extension), one per (tool, ruleId): what the load path stores, plus the default level. */
export interface RuleRecord extends RuleInput {
  defaultLevel: string | null;
}

/**
 * What a parser knows of a finding beyond the load path's columns, kept in
 * FindingInput.details (priority reads fixAvailable; the API shows the rest).
 */
export type ParsedDetails = {
  /** SARIF result kind: fail, review, open, … */
  kind: string;
  /** The rule's security-severity (a CVSS-like number), when given. */
  securitySeverity?: number;
  /** CycloneDX: package URL of the affected component. */
  purl?: string;
  /** CycloneDX: effective VEX analysis state after merging statements (e.g. "exploitable", "not_affected"). */
  analysisState?: string;
  /** CycloneDX: affected versions / vers ranges named by the open statements. */
  affectedVersions?: string[];
  /** A fixed version is known. */
  fixAvailable?: true;
};

/** A parsed finding: the load path's input itself (no intermediate shape), with the parser's details typed. */
export type ParsedFinding = FindingInput & { message: string; details: ParsedDetails };

/** details as the parsers fill them: absent facts are left out, not null. */
export function parsedDetails(d: { kind: string; securitySeverity: number | null; fixedVersion: string | null; purl?: string | null; analysisState?: string | null; affectedVersions?: string[] }): ParsedDetails {
  const details: ParsedDetails = { kind: d.kind };
  if (d.securitySeverity != null) details.securitySeverity = d.securitySeverity;
  if (d.purl) details.purl = d.purl;
  if (d.analysisState) details.analysisState = d.analysisState;
  if (d.affectedVersions?.length) details.affectedVersions = d.affectedVersions;
  if (d.fixedVersion) details.fixAvailable = true;
  return details;
}

export interface ParsedRun {
  tool: string;
  toolVersion: string | null;
  analysisCategory: string;
  rules: RuleRecord[];
  findings: ParsedFinding[];
}

export interface ParsedLog {
  runs: ParsedRun[];
  warnings: string[];
  /** Result objects (SARIF) or vulnerability entries (CycloneDX) read from the input, before any were skipped. */
  resultCount: number;
}

export interface ParseOptions {
  /** Analysis category override; wins over automationDetails.id and the tool name. */
  category?: string;
  /** Finding category override; wins over inference. */
  findingCategory?: FindingCategory;
  /** Default 20, GitHub's limit. */
  maxRuns?: number;
  /** Default 25,000, GitHub's limit. */
  maxResultsPerRun?: number;
}

export type IngestErrorCode =
  | "INVALID_JSON"
  | "INVALID_SARIF"
  | "UNSUPPORTED_VERSION"
  | "INVALID_PATH"
  | "TOO_LARGE"
  | "TOO_DEEP"
  | "INVALID_CYCLONEDX";

/** A client error: the upload itself is wrong, so the API answers 4xx (BAD_USER_INPUT, or LIMIT_EXCEEDED when too large) with `message`. */
export class IngestInputError extends DomainError {
  constructor(code: string, message: string, httpStatus: number = code === "TOO_LARGE" ? 413 : 400) {
    const tooLarge = httpStatus === 413;
    super(code, message, tooLarge ? "LIMIT_EXCEEDED" : "BAD_USER_INPUT", tooLarge ? { limit: "ingestSize" } : { reason: code }, {}, httpStatus);
  }
}

export const DEFAULT_MAX_RUNS = 20;
export const DEFAULT_MAX_RESULTS_PER_RUN = 25_000;
export const MAX_MESSAGE_CHARS = 8_000;
export const MAX_SNIPPET_CHARS = 2_000;
export const MAX_TITLE_CHARS = 300;
