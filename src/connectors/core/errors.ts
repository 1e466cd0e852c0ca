/**
 * How a call to a source API failed, as a sync needs to tell it apart
 * (every connector throws these, so the run loop and cleanup rules are shared):
 * - SourceHttpError: a definite answer (401/403/404/422…) for one scope; the
 *   scope is skipped and its data left untouched, the run goes on.
 * - SourceUnavailableError: 5xx/timeouts that retries could not heal; the
 *   scope is skipped, the run goes on.
 * - RateLimitStop: a rate limit (or the configured reserve) that we will not
 *   wait out in this run; the run stops asking and records what it skipped.
 * - SyncAborted: the server is shutting down.
 */
export class SourceHttpError extends Error {
  override readonly name = "SourceHttpError";
  constructor(readonly status: number, message: string) { super(message); }
}

export class SourceUnavailableError extends Error {
  override readonly name = "SourceUnavailableError";
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

/** A definite "you may not read this" (or "not there"): the scope is unknown, not empty. */
export function isDenied(err: unknown): boolean {
  return err instanceof SourceHttpError && (err.status === 401 || err.status === 403 || err.status === 404);
}

/** A short, credential-free description for SyncRun.errors and logs. */
export function describe(err: unknown): string {
  if (err instanceof SourceHttpError) return `HTTP ${err.status}: ${err.message}`.slice(0, 300);
  if (err instanceof Error) return `${err.message}`.slice(0, 300);
  return String(err).slice(0, 300);
}

/**
 * The fetch-error tail every connector needs: what ends the run is rethrown,
 * anything else is handed to `onError` (the scope is skipped, its data kept).
 */
export function skipUnlessStop(err: unknown, onError: (err: unknown) => void): void {
  if (stopsRun(err)) throw err;
  onError(err);
}
