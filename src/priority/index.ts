export {
  DefaultPriorityStrategy, priorityLevel,
  type PriorityFactor, type PriorityInput, type PriorityResult, type PriorityStrategy, type ResourceContext,
} from "./priority.strategy";
export { DEFAULT_PRIORITY_POLICY, maxAttainableScore, type PriorityPolicy } from "./priority.policy";
export { validatePriorityPolicy } from "./priority-policy.validation";
export { slaDueAt } from "./sla";
export { defaultPrioritySql, priorityLevelSql, type PrioritySql, type PrioritySqlRefs } from "./priority.sql";
export { PriorityService, PolicyInputError } from "./priority.service";
export type { PriorityRow, IntelRow, PriorityContext, RecomputeSource } from "./priority.types";
