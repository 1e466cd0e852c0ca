/**
 * The priority engine's shared types: what a strategy reads, what it answers,
 * and the SQL form of its score. Apart from the implementations so that the
 * strategy, its factors and its SQL form import these, not each other.
 */
import type { Criticality, FindingCategory, FindingState, PriorityLevel, Severity } from "../common/types";
import type { PriorityPolicy } from "./priority.policy";

export interface ResourceContext {
  id: string;
  name: string;
  internetExposed: boolean;
  sensitiveData: boolean;
  production: boolean;
  criticality: Criticality | null;
  /** How the finding reaches the resource: "deployment", "iac-tag", "image-digest". */
  via: string;
}

export interface PriorityInput {
  category: FindingCategory;
  severity: Severity;
  state: FindingState;
  /** 0-10 (CVSS base score or SARIF security-severity). */
  cvssScore: number | null;
  vulnerabilityId: string | null;
  kev: { dateAdded: string; knownRansomwareCampaignUse: boolean } | null;
  epss: { score: number; percentile: number } | null;
  /** SECRET findings only. */
  secretValidity: "active" | "inactive" | "unknown" | null;
  fixAvailable: boolean | null;
  dependencyScope: "runtime" | "development" | null;
  /** Cloud resources the finding's code is deployed to (may be empty). */
  resources: ResourceContext[];
  firstSeenAt: Date;
  dueAt: Date | null;
  now: Date;
}

export interface PriorityFactor {
  key: string;
  label: string;
  /** Whole points; the contributions of all factors sum exactly to the score. */
  contribution: number;
  detail: string | null;
}

export interface PriorityResult {
  /** Integer 0..100. */
  score: number;
  level: PriorityLevel;
  factors: PriorityFactor[];
}

export interface PriorityStrategy {
  compute(input: PriorityInput, policy: PriorityPolicy): PriorityResult;
  /**
   * The same score as SQL, when the strategy has one: stored scores are then
   * recomputed inside the database (one UPDATE) instead of row by row here.
   * It must equal compute() for every input; without it, recomputation runs compute().
   */
  readonly sql?: PrioritySql;
}

/** Column references the expression is built over. */
export interface PrioritySqlRefs {
  /** Alias of the finding row. */
  finding: string;
  /** Alias of its vulnerability_intel row (null-extended when there is none). */
  intel: string;
  /** Expression: the points of the repository's resource context (an integer, 0 when not deployed). */
  resourcePoints: string;
  /** Expression: `now` in Unix milliseconds (bigint). */
  nowMs: string;
}

/** The SQL form of a strategy: what PriorityService needs to rescore in the database. */
export interface PrioritySql {
  /** Points the repository's resources add to each of its findings. */
  resourcePoints(resources: ResourceContext[], policy: PriorityPolicy): number;
  /** The score (integer SQL expression). */
  score(policy: PriorityPolicy, refs: PrioritySqlRefs): string;
}

/** The columns priority reads from a finding. */
export interface PriorityRow {
  id?: string;
  organizationId?: string;
  repositoryId: string;
  category: FindingCategory;
  severity: Severity;
  state: FindingState;
  cvssScore: number | null;
  vulnerabilityId: string | null;
  fixedVersion: string | null;
  details: Record<string, unknown>;
  firstSeenAt: Date;
  dueAt: Date | null;
}

export interface IntelRow { kev: { dateAdded: string; knownRansomwareCampaignUse: boolean } | null; epss: { score: number; percentile: number } | null }

export interface PriorityContext {
  resources: Map<string, ResourceContext[]>;
  intel: Map<string, IntelRow>;
}

/** What the recompute paths need of the priority service: context reads and the strategy (a narrow interface, not the service). */
export interface RecomputeSource {
  resources(em: import("typeorm").EntityManager, repositoryIds: string[] | null): Promise<Map<string, ResourceContext[]>>;
  context(em: import("typeorm").EntityManager, repositoryIds: string[], cves: string[]): Promise<PriorityContext>;
  compute(row: PriorityRow, ctx: PriorityContext, policy: PriorityPolicy, now: Date): PriorityResult;
}
