/**
 * The shared finding load path's input (src/services/finding-store.ts, landed
 * by the lead): the planned interface, until the real module is on main.
 */
import type { FindingCategory, FindingState, Severity } from "../../common/types";

export interface FindingInput {
  fingerprint: string; category: FindingCategory; severity: Severity; title: string; message: string | null; ruleId: string; tool: string;
  toolVersion: string | null; path: string | null; startLine: number | null; endLine: number | null; startColumn: number | null; endColumn: number | null;
  snippet: string | null; vulnerabilityId: string | null; cwes: string[]; cvssScore: number | null; cvssVector: string | null;
  packageName: string | null; packageVersion: string | null; fixedVersion: string | null; details: Record<string, unknown>;
  sourceState?: { state: FindingState; dismissReason?: string | null; dismissComment?: string | null; at?: Date | null } | null;
  suppressed?: boolean; suppressionReason?: string | null;
}

export interface RuleRecord {
  tool: string; ruleId: string; name: string | null; shortDescription: string | null; fullDescription: string | null;
  helpText: string | null; helpUri: string | null; tags: string[]; securitySeverity: number | null; defaultLevel: string | null;
}

export interface LoadScope { organizationId: string; repositoryId: string; analysisCategory: string; source: string; complete: boolean; now?: Date }
export interface LoadResult { created: number; updated: number; unchanged: number; fixed: number; reopened: number; dismissed: number }
