import { FindingCategory, FindingState, Severity } from "../common/types";

/** One finding as a source reports it, before identity and lifecycle. */
export interface FindingInput {
  /** Stable identity within (repository, analysis category). */
  fingerprint: string;
  category: FindingCategory;
  severity: Severity;
  title: string;
  message: string | null;
  ruleId: string;
  tool: string;
  toolVersion: string | null;
  path: string | null;
  startLine: number | null;
  endLine: number | null;
  startColumn: number | null;
  endColumn: number | null;
  snippet: string | null;
  vulnerabilityId: string | null;
  cwes: string[];
  cvssScore: number | null;
  cvssVector: string | null;
  packageName: string | null;
  packageVersion: string | null;
  fixedVersion: string | null;
  /** Source facts priority reads: secretValidity, dependencyScope, fixAvailable, alert number, URL. */
  details: Record<string, unknown>;
  /** A platform's own state (a GitHub alert dismissed or fixed there), mirrored here. Omitted: OPEN unless suppressed. */
  sourceState?: { state: FindingState; dismissReason?: string | null; dismissComment?: string | null; at?: Date | null } | null;
  /** SARIF suppression (accepted) or VEX not_affected: dismissed by the source. */
  suppressed?: boolean;
  suppressionReason?: string | null;
}

export interface RuleInput {
  tool: string;
  ruleId: string;
  name: string | null;
  shortDescription: string | null;
  fullDescription: string | null;
  helpText: string | null;
  helpUri: string | null;
  tags: string[];
  securitySeverity: number | null;
}

export interface LoadScope {
  organizationId: string;
  repositoryId: string;
  analysisCategory: string;
  /** sarif, cyclonedx, github, azure-devops, posture, demo. */
  source: string;
  /** Only a complete fetch (or a default-branch upload) may mark unseen findings FIXED. */
  complete: boolean;
  now?: Date;
}

export interface LoadResult {
  results: number;
  created: number;
  updated: number;
  unchanged: number;
  fixed: number;
  reopened: number;
  dismissed: number;
}
