/** The shared finding load path's types (src/findings). */
export type { FindingInput, LoadResult, LoadScope, RuleInput } from "../../findings";
