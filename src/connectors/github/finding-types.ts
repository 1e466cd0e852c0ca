/** The shared finding load path's types (src/services/finding-store.ts). */
export type { FindingInput, LoadResult, LoadScope, RuleInput } from "../../findings";
