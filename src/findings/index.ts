export { FindingQueryService } from "./finding-query.service";
export { SummaryService } from "./summary.service";
export { FindingStore } from "./finding-store";
export { effectiveLastSeen, scopeKey, scopeSeenAt } from "./finding-seen";
export { RANK_EXTRAS, withRank } from "./finding-rank";
export type { RuleInput, FindingInput, LoadResult, LoadScope } from "./finding-store.types";
export { FindingOrderField, OrderDirection, type FindingFilter, type FindingOrder } from "./finding-filter";
