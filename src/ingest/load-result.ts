import { LoadResult } from "../findings";

export function emptyResult(): LoadResult {
  return { results: 0, created: 0, updated: 0, unchanged: 0, fixed: 0, reopened: 0, dismissed: 0 };
}

export function addResults(into: LoadResult, r: LoadResult): LoadResult {
  for (const k of Object.keys(into) as (keyof LoadResult)[]) into[k] += r[k];
  return into;
}
