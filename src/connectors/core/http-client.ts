import type { Logger } from "../../common/logger";
import { SourceHttpError, SourceUnavailableError, RateLimitStop, SyncAborted } from "./errors";
import { Attempt, decide, DEFAULT_RETRY_POLICY, header, inReserve, RetryPolicy } from "./retry-policy";

/** The Authorization header for the next request; invalidate() after a 401 so a fresh one is minted. */
export interface AuthProvider {
  header(): Promise<string>;
  invalidate?(): void;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) => new Promise((resolve, reject) => {
  if (signal?.aborted) return reject(new SyncAborted());
  const t = setTimeout(() => { signal?.removeEventListener("abort", onAbort); resolve(); }, ms);
  const onAbort = () => { clearTimeout(t); reject(new SyncAborted()); };
  signal?.addEventListener("abort", onAbort, { once: true });
});

export interface SourceClientOptions {
  auth: AuthProvider;
  /** Names the source in logs ("github", "azure-devops"). */
  source?: string;
  sleep?: Sleep;
  now?: () => number;
  /** Requests in flight at once (sources ask for few; secondary limits punish bursts). */
  maxConcurrency?: number;
  /** Fraction of each budget left for other users of the credentials. */
  reserveFraction?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Aborts waits and requests (server shutdown). */
  signal?: AbortSignal;
  log?: Logger;
}

export interface ClientStats {
  requests: number;
  graphqlRequests: number;
  restRequests: number;
  notModified: number;
  /** GraphQL points as GitHub reports them (rateLimit.cost). */
  graphqlPoints: number;
  retries: number;
  waitedMs: number;
  byResource: Record<string, number>;
}

type Budget = { remaining: number; limit: number; reset: number };

/** What one attempt's `send` got to see: the fetch to use (timeouts, abort, header capture) and the Authorization header. */
export type Send<R> = (fetchImpl: typeof fetch, authorization: string) => Promise<R>;

/**
 * One connector run's HTTP to a source: retries with back-off, Retry-After and
 * rate-limit waits (retry-policy.ts), X-RateLimit-* budget accounting with a
 * reserve, a cap on requests in flight, and request counts. After a
 * RateLimitStop every further call fails fast, so the run winds down at once.
 * `kind` names the budget ("graphql", "rest"; one per API that has its own).
 */
export class SourceClient {
  readonly stats: ClientStats = { requests: 0, graphqlRequests: 0, restRequests: 0, notModified: 0, graphqlPoints: 0, retries: 0, waitedMs: 0, byResource: {} };
  protected readonly policy: RetryPolicy;
  protected readonly sleep: Sleep;
  protected readonly now: () => number;
  private readonly budgets = new Map<string, Budget>();
  private stopped: RateLimitStop | null = null;
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(protected readonly o: SourceClientOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...o.retry };
    this.sleep = o.sleep ?? realSleep;
    this.now = o.now ?? Date.now;
  }

  protected async withRetries<R>(kind: string, resource: string, send: Send<R>, errorTypes: (r: R) => string[]): Promise<R> {
    const retries = { transient: 0, rateLimit: 0 };
    let authRetried = false;
    for (;;) {
      if (this.o.signal?.aborted) throw new SyncAborted();
      if (this.stopped) throw this.stopped;
      this.checkReserve(kind);
      const authorization = await this.o.auth.header();
      const seen: { headers: Record<string, string> } = { headers: {} };
      const timeout = AbortSignal.timeout(this.o.timeoutMs ?? 30_000);
      const signal = this.o.signal ? AbortSignal.any([this.o.signal, timeout]) : timeout;
      const fetchImpl = (async (url: string, init: RequestInit) => {
        const res = await fetch(url, { ...init, signal });
        seen.headers = Object.fromEntries(res.headers);
        return res;
      }) as typeof fetch;
      let attempt: Attempt;
      let result: R | undefined;
      let failure: unknown;
      const started = this.now();
      await this.acquire();
      try {
        this.count(kind, resource);
        result = await send(fetchImpl, authorization);
        attempt = { status: 200, headers: seen.headers, graphqlErrorTypes: errorTypes(result) };
      } catch (err) {
        failure = err;
        if (this.o.signal?.aborted) throw new SyncAborted();
        const e = err as { status?: number; name?: string; message?: string; response?: { headers?: Record<string, string>; data?: unknown } };
        const timedOut = timeout.aborted || e.name === "AbortError" || e.name === "TimeoutError";
        const network = !timedOut && e.status === 500 && !e.response;
        attempt = { status: timedOut || network ? undefined : e.status, headers: e.response?.headers ?? seen.headers, timeout: timedOut, networkError: network, message: e.message };
      } finally {
        this.release();
      }
      this.observeBudget(kind, attempt.headers);
      this.o.log?.debug({ kind, resource, status: attempt.status ?? (attempt.timeout ? "timeout" : "network"), ms: this.now() - started }, `${this.o.source ?? "source"} request`);
      if (attempt.status === 401 && this.o.auth.invalidate && !authRetried) { authRetried = true; this.o.auth.invalidate(); continue; }
      const d = decide(attempt, retries, this.now(), this.policy);
      if (d.action === "ok") return result as R;
      if (d.action === "retry") {
        retries[d.kind === "transient" ? "transient" : "rateLimit"]++;
        this.stats.retries++;
        this.stats.waitedMs += d.waitMs;
        this.o.log?.warn({ kind, resource, reason: d.reason, waitMs: d.waitMs }, `${this.o.source ?? "source"}: waiting before a retry`);
        await this.sleep(d.waitMs, this.o.signal);
        // Waited until the reset (or as told): the last budget seen is stale now.
        if (d.kind === "rate-limit") this.budgets.delete(kind);
        continue;
      }
      if (d.action === "stop") {
        this.stopped = new RateLimitStop(`rate limited (${d.reason}); stopped until ${d.resetAt?.toISOString() ?? "later"}`, d.resetAt);
        throw this.stopped;
      }
      if (attempt.status === undefined || attempt.status >= 500) {
        throw new SourceUnavailableError(`${resource}: ${attempt.timeout ? "timed out" : attempt.status ? `HTTP ${attempt.status}` : "connection failed"} after ${retries.transient} retries`);
      }
      const status = attempt.status;
      throw new SourceHttpError(status, `${resource}: ${short((failure as Error)?.message)}`);
    }
  }

  protected count(kind: string, resource: string): void {
    this.stats.requests++;
    if (kind === "graphql") this.stats.graphqlRequests++; else this.stats.restRequests++; // every non-GraphQL API counts as REST
    this.stats.byResource[resource] = (this.stats.byResource[resource] ?? 0) + 1;
  }

  private observeBudget(kind: string, h: Record<string, string | undefined>): void {
    const remaining = Number(header(h, "x-ratelimit-remaining"));
    const limit = Number(header(h, "x-ratelimit-limit"));
    const reset = Number(header(h, "x-ratelimit-reset"));
    if (Number.isFinite(remaining) && Number.isFinite(limit) && header(h, "x-ratelimit-limit") !== undefined) {
      this.budgets.set(kind, { remaining, limit, reset: Number.isFinite(reset) ? reset * 1000 : 0 });
    }
  }

  private checkReserve(kind: string): void {
    const b = this.budgets.get(kind);
    if (!b || b.reset <= this.now()) return;
    if (inReserve(b.remaining, b.limit, this.o.reserveFraction ?? 0.1)) {
      this.stopped = new RateLimitStop(`${kind} budget down to its reserve (${b.remaining} of ${b.limit} left until ${new Date(b.reset).toISOString()})`, new Date(b.reset));
      throw this.stopped;
    }
  }

  /** Remaining/limit of the last answer of each API, for the run record. */
  budget(kind: string): Budget | undefined { return this.budgets.get(kind); }

  private acquire(): Promise<void> {
    if (this.active < (this.o.maxConcurrency ?? 4)) { this.active++; return Promise.resolve(); }
    return new Promise((resolve) => this.queue.push(() => { this.active++; resolve(); }));
  }

  private release(): void {
    this.active--;
    this.queue.shift()?.();
  }
}

function short(message: string | undefined): string {
  return (message ?? "request failed").split("\n")[0].slice(0, 200);
}
