import { DEFAULT_MAX_RESULTS_PER_RUN, DEFAULT_MAX_RUNS, ParseOptions } from "./types";

/** Effective limits; a nonsensical option is a programming error, not a client error. */
export function checkLimits(options: ParseOptions): { maxRuns: number; maxResults: number } {
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  const maxResults = options.maxResultsPerRun ?? DEFAULT_MAX_RESULTS_PER_RUN;
  for (const [name, v] of [["maxRuns", maxRuns], ["maxResultsPerRun", maxResults]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`ParseOptions.${name} must be a positive integer`);
  }
  return { maxRuns, maxResults };
}
