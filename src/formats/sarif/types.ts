import { DomainError } from "../../common/errors";
import { FindingCategory, Severity } from "../../common/types";
import type { RuleInput } from "../../findings";

export { FindingCategory, Severity };

/** Rule metadata as declared by the tool (driver or extension), one per (tool, ruleId): what the load path stores, plus the default level. */
export interface RuleRecord extends RuleInput {
  defaultLevel: string | null;
}

export interface NormalizedFinding {
  /** Stable identity within (repository, analysisCategory); prefixed "pf:" | "fp:" | "h:"; <= 128 chars. */
  fingerprint: string;
  tool: string;
  toolVersion: string | null;
  ruleId: string;
  title: string;
  message: string;
  category: FindingCategory;
  severity: Severity;
  securitySeverity: number | null;
  path: string | null;
  startLine: number | null;
  endLine: number | null;
  startColumn: number | null;
  endColumn: number | null;
  snippet: string | null;
  vulnerabilityId: string | null;
  cwes: string[];
  packageName: string | null;
  packageVersion: string | null;
  fixedVersion: string | null;
  cvssScore: number | null;
  cvssVector: string | null;
  suppressed: boolean;
  suppressionReason: string | null;
  kind: string;
  /** CycloneDX only: package URL of the affected component when known. */
  purl?: string | null;
  /** CycloneDX only: effective VEX analysis state after merging statements (e.g. "exploitable", "not_affected"). */
  analysisState?: string | null;
  /** CycloneDX only: affected versions / vers ranges named by the open statements. */
  affectedVersions?: string[];
}

export interface ParsedRun {
  tool: string;
  toolVersion: string | null;
  analysisCategory: string;
  rules: RuleRecord[];
  findings: NormalizedFinding[];
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
