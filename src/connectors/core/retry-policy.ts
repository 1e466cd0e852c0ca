/**
 * When to retry a request to a source API and how long to wait first
 * (connectors.md §1.3 for GitHub, §2.4 for Azure DevOps, which answers 429
 * with Retry-After). Pure: the client feeds it what it saw, it answers with a wait.
 *
 * Secondary limits: retry-after, else x-ratelimit-reset when remaining is 0,
 * else at least a minute, growing exponentially. Primary limits (REST 403/429
 * with remaining 0, GraphQL RATE_LIMITED with HTTP 200): until the reset.
 * 502/503/504, timeouts and dropped connections: exponential back-off.
 */
export interface Attempt {
  /** HTTP status; undefined for a timeout or a network error. */
  status?: number;
  headers: Record<string, string | undefined>;
  /** GraphQL `errors[].type` values of a 200 answer. */
  graphqlErrorTypes?: string[];
  /** Response message (REST `message`), used to recognise a secondary limit. */
  message?: string;
  timeout?: boolean;
  networkError?: boolean;
}

export interface RetryPolicy {
  /** Retries after the first attempt, for transient faults. */
  maxTransientRetries: number;
  /** Retries for rate limits (each waits). */
  maxRateLimitRetries: number;
  /** First back-off for transient faults; doubles each time. */
  transientBaseMs: number;
  /** Floor for a secondary limit without headers (GitHub: at least one minute). */
  secondaryMinMs: number;
  /** A single wait longer than this is not waited out: the run stops instead. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxTransientRetries: 4, maxRateLimitRetries: 4, transientBaseMs: 1000, secondaryMinMs: 60_000, maxWaitMs: 15 * 60_000,
};

export type Decision =
  | { action: "ok" }
  | { action: "fail" }
  | { action: "retry"; waitMs: number; kind: "transient" | "rate-limit"; reason: string }
  | { action: "stop"; kind: "rate-limit" | "transient"; reason: string; resetAt: Date | null };

export function header(h: Record<string, string | undefined>, name: string): string | undefined {
  return h[name] ?? h[name.toLowerCase()];
}

function resetWait(h: Record<string, string | undefined>, now: number): number | null {
  const reset = Number(header(h, "x-ratelimit-reset"));
  return Number.isFinite(reset) && reset > 0 ? Math.max(1000, reset * 1000 - now + 1000) : null;
}

function isSecondaryMessage(message: string | undefined): boolean {
  return !!message && /secondary rate limit|abuse detection|exceeded a secondary/i.test(message);
}

/** `retries` counts earlier retries of the same request (of the decision's kind). */
export function decide(a: Attempt, retries: { transient: number; rateLimit: number }, now: number, p: RetryPolicy): Decision {
  const h = a.headers;
  const rateLimited =
    (a.graphqlErrorTypes ?? []).includes("RATE_LIMITED") ||
    a.status === 429 ||
    (a.status === 403 && (header(h, "retry-after") !== undefined || header(h, "x-ratelimit-remaining") === "0" || isSecondaryMessage(a.message)));
  if (rateLimited) {
    const retryAfter = Number(header(h, "retry-after"));
    let waitMs: number;
    let reason: string;
    if (Number.isFinite(retryAfter) && header(h, "retry-after") !== undefined) {
      waitMs = Math.max(1000, retryAfter * 1000); reason = `retry-after ${retryAfter}s`;
    } else if (header(h, "x-ratelimit-remaining") === "0" && resetWait(h, now) !== null) {
      waitMs = resetWait(h, now)!; reason = "primary rate limit until x-ratelimit-reset";
    } else {
      waitMs = p.secondaryMinMs * 2 ** retries.rateLimit; reason = "secondary rate limit";
    }
    const resetAt = new Date(now + waitMs);
    if (retries.rateLimit >= p.maxRateLimitRetries) return { action: "stop", kind: "rate-limit", reason: `${reason}: still limited after ${retries.rateLimit} waits`, resetAt };
    if (waitMs > p.maxWaitMs) return { action: "stop", kind: "rate-limit", reason: `${reason}: would wait ${Math.round(waitMs / 1000)}s`, resetAt };
    return { action: "retry", waitMs, kind: "rate-limit", reason };
  }
  const transient = a.timeout || a.networkError || a.status === 502 || a.status === 503 || a.status === 504;
  if (transient) {
    const what = a.timeout ? "timeout" : a.networkError ? "connection error" : `HTTP ${a.status}`;
    if (retries.transient >= p.maxTransientRetries) return { action: "fail" };
    return { action: "retry", waitMs: p.transientBaseMs * 2 ** retries.transient, kind: "transient", reason: what };
  }
  if (a.status !== undefined && a.status >= 400) return { action: "fail" };
  return { action: "ok" };
}

/** Whether the budget left is within the reserve we keep for other users of the token. */
export function inReserve(remaining: number, limit: number, reserveFraction: number): boolean {
  return limit > 0 && remaining <= Math.floor(limit * reserveFraction);
}
