export { FindingQueryService } from "./finding-query.service";
export { SummaryService } from "./summary.service";
export { FindingStore, FindingInput, LoadResult } from "./finding-store";
export { effectiveLastSeen, scopeKey, scopeSeenAt } from "./finding-seen";
export { RANK_EXTRAS, withRank } from "./finding-rank";
export { RuleInput } from "./finding-store.types";
