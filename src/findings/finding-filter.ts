import type { FindingCategory, FindingState, PriorityLevel, Severity } from "../common/types";

/**
 * The domain's finding filter: what lists, subscriptions, webhooks, exports
 * and aggregates narrow by. The GraphQL input type (resolvers/types) has the
 * same fields and is one way to fill it.
 */
export interface FindingFilter {
  state?: FindingState[];
  severity?: Severity[];
  category?: FindingCategory[];
  /** Repository IDs (global or raw) or full names. */
  repository?: string[];
  /** DevOpsOrganization IDs. */
  organization?: string[];
  /** Owners; an empty string matches findings without owner. */
  owner?: string[];
  minScore?: number;
  priorityLevel?: PriorityLevel[];
  internetExposed?: boolean;
  tool?: string[];
  ruleId?: string[];
  vulnerabilityId?: string[];
  analysisCategory?: string[];
}

export enum FindingOrderField { PRIORITY = "PRIORITY", SEVERITY = "SEVERITY", FIRST_SEEN = "FIRST_SEEN", LAST_SEEN = "LAST_SEEN" }
export enum OrderDirection { ASC = "ASC", DESC = "DESC" }

export interface FindingOrder {
  field: FindingOrderField;
  direction: OrderDirection;
}
