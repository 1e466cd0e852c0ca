/**
 * How a GitHub call failed, as the sync needs to tell it apart:
 * - GitHubHttpError: a definite answer (401/403/404/422…) for one scope; the
 *   scope is skipped and its data left untouched, the run goes on.
 * - GitHubUnavailableError: 5xx/timeouts that retries could not heal; the
 *   scope is skipped, the run goes on.
 * - RateLimitStop: a rate limit (or the configured reserve) that we will not
 *   wait out in this run; the run stops asking and records what it skipped.
 */
export class GitHubHttpError extends Error {
  override readonly name = "GitHubHttpError";
  constructor(readonly status: number, message: string) { super(message); }
}

export class GitHubUnavailableError extends Error {
  override readonly name = "GitHubUnavailableError";
}

export class RateLimitStop extends Error {
  override readonly name = "RateLimitStop";
  constructor(message: string, readonly resetAt: Date | null = null) { super(message); }
}

export class SyncAborted extends Error {
  override readonly name = "SyncAborted";
  constructor() { super("the sync was aborted (server shutting down)"); }
}

/** Whether the error ends the whole run rather than one scope. */
export function stopsRun(err: unknown): boolean {
  return err instanceof RateLimitStop || err instanceof SyncAborted;
}

/** A short, credential-free description for SyncRun.errors and logs. */
export function describe(err: unknown): string {
  if (err instanceof GitHubHttpError) return `HTTP ${err.status}: ${err.message}`.slice(0, 300);
  if (err instanceof Error) return `${err.message}`.slice(0, 300);
  return String(err).slice(0, 300);
}
