import type { Logger } from "../../common/logger";
import { SourceHttpError, SourceUnavailableError, RateLimitStop, SyncAborted } from "../core";
import { Attempt, decide, DEFAULT_RETRY_POLICY, header, inReserve, RetryPolicy } from "../core";
import type { AuthProvider } from "./auth";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) => new Promise((resolve, reject) => {
  if (signal?.aborted) return reject(new SyncAborted());
  const t = setTimeout(() => { signal?.removeEventListener("abort", onAbort); resolve(); }, ms);
  const onAbort = () => { clearTimeout(t); reject(new SyncAborted()); };
  signal?.addEventListener("abort", onAbort, { once: true });
});

export interface GitHubClientOptions {
  /** https://api.github.com, or a GHES https://host/api/v3. */
  baseUrl: string;
  auth: AuthProvider;
  sleep?: Sleep;
  now?: () => number;
  /** Requests in flight at once (GitHub asks for few; secondary limits punish bursts). */
  maxConcurrency?: number;
  /** Fraction of each hourly budget left for other users of the credentials. */
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

export interface GqlError { type?: string; message: string; path?: (string | number)[] }
export interface GqlResult<T> { data: T | null; errors: GqlError[] }
export interface RestResult<T> { status: number; data: T; headers: Record<string, string>; notModified: boolean }

type Budget = { remaining: number; limit: number; reset: number };

/** Both packages are ESM-only; module node16 keeps import() a real dynamic import in our CJS output. */
const importOctokit = () => Promise.all([import("@octokit/graphql"), import("@octokit/request")]);
let octokit: ReturnType<typeof importOctokit> | undefined;
function loadOctokit() {
  octokit ??= importOctokit();
  return octokit;
}

/**
 * One connector run's view of GitHub: GraphQL and REST with retries, rate-limit
 * waits, a budget reserve, a cap on concurrency and request accounting. After a
 * RateLimitStop every further call fails fast, so the run winds down at once.
 */
export class GitHubClient {
  readonly stats: ClientStats = { requests: 0, graphqlRequests: 0, restRequests: 0, notModified: 0, graphqlPoints: 0, retries: 0, waitedMs: 0, byResource: {} };
  private readonly policy: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly budgets = new Map<"graphql" | "rest", Budget>();
  private stopped: RateLimitStop | null = null;
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly o: GitHubClientOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...o.retry };
    this.sleep = o.sleep ?? realSleep;
    this.now = o.now ?? Date.now;
  }

  get baseUrl(): string { return this.o.baseUrl.replace(/\/+$/, ""); }

  /** A GraphQL query. Field errors (e.g. FORBIDDEN on one repository) come back with the partial data. */
  async graphql<T>(resource: string, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult<T>> {
    const [{ graphql }] = await loadOctokit();
    return this.withRetries("graphql", resource, async (fetchImpl, authorization) => {
      const gql = graphql.defaults({ baseUrl: this.baseUrl, headers: { authorization }, request: { fetch: fetchImpl } });
      try {
        const data = await gql<T>(query, variables);
        return { data, errors: [] as GqlError[] };
      } catch (err) {
        const e = err as { name?: string; errors?: GqlError[]; data?: T };
        if (e.name !== "GraphqlResponseError") throw err;
        return { data: e.data ?? null, errors: e.errors ?? [] };
      }
    }, (r) => {
      const cost = (r.data as { rateLimit?: { cost?: number } } | null)?.rateLimit?.cost;
      if (typeof cost === "number") this.stats.graphqlPoints += cost;
      return r.errors.map((e) => e.type ?? "").filter(Boolean);
    });
  }

  /** A REST GET. With `etag`, a 304 answers notModified (and costs no primary budget on GitHub). */
  async rest<T>(resource: string, route: string, params: Record<string, unknown> = {}, etag?: string | null): Promise<RestResult<T>> {
    const [, { request }] = await loadOctokit();
    return this.withRetries("rest", resource, async (fetchImpl, authorization) => {
      const headers: Record<string, string> = { authorization, "x-github-api-version": "2022-11-28", accept: "application/vnd.github+json" };
      if (etag) headers["if-none-match"] = etag;
      try {
        const res = await request(route, { baseUrl: this.baseUrl, headers, request: { fetch: fetchImpl }, ...params });
        return { status: res.status, data: res.data as T, headers: res.headers as Record<string, string>, notModified: false };
      } catch (err) {
        const e = err as { status?: number; response?: { headers: Record<string, string> } };
        if (e.status === 304) {
          this.stats.notModified++;
          return { status: 304, data: undefined as T, headers: e.response?.headers ?? {}, notModified: true };
        }
        throw err;
      }
    }, () => []);
  }

  /** Follows `link: rel="next"` from a first REST page; yields each page. */
  async *paginate<T>(resource: string, route: string, params: Record<string, unknown>, etag?: string | null): AsyncGenerator<RestResult<T[]>> {
    let next: string | null = route;
    let first = true;
    while (next) {
      const page: RestResult<T[]> = await this.rest<T[]>(resource, next, first ? params : {}, first ? etag : null);
      yield page;
      if (page.notModified) return;
      first = false;
      const m = /<([^>]+)>;\s*rel="next"/.exec(page.headers.link ?? "");
      next = m ? `GET ${m[1]}` : null;
    }
  }

  private async withRetries<R>(kind: "graphql" | "rest", resource: string, send: (fetchImpl: typeof fetch, authorization: string) => Promise<R>, errorTypes: (r: R) => string[]): Promise<R> {
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
      this.o.log?.debug({ kind, resource, status: attempt.status ?? (attempt.timeout ? "timeout" : "network"), ms: this.now() - started }, "github request");
      if (attempt.status === 401 && this.o.auth.invalidate && !authRetried) { authRetried = true; this.o.auth.invalidate(); continue; }
      const d = decide(attempt, retries, this.now(), this.policy);
      if (d.action === "ok") return result as R;
      if (d.action === "retry") {
        retries[d.kind === "transient" ? "transient" : "rateLimit"]++;
        this.stats.retries++;
        this.stats.waitedMs += d.waitMs;
        this.o.log?.warn({ kind, resource, reason: d.reason, waitMs: d.waitMs }, "github: waiting before a retry");
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

  private count(kind: "graphql" | "rest", resource: string): void {
    this.stats.requests++;
    if (kind === "graphql") this.stats.graphqlRequests++; else this.stats.restRequests++;
    this.stats.byResource[resource] = (this.stats.byResource[resource] ?? 0) + 1;
  }

  private observeBudget(kind: "graphql" | "rest", h: Record<string, string | undefined>): void {
    const remaining = Number(header(h, "x-ratelimit-remaining"));
    const limit = Number(header(h, "x-ratelimit-limit"));
    const reset = Number(header(h, "x-ratelimit-reset"));
    if (Number.isFinite(remaining) && Number.isFinite(limit) && header(h, "x-ratelimit-limit") !== undefined) {
      this.budgets.set(kind, { remaining, limit, reset: Number.isFinite(reset) ? reset * 1000 : 0 });
    }
  }

  private checkReserve(kind: "graphql" | "rest"): void {
    const b = this.budgets.get(kind);
    if (!b || b.reset <= this.now()) return;
    if (inReserve(b.remaining, b.limit, this.o.reserveFraction ?? 0.1)) {
      this.stopped = new RateLimitStop(`${kind} budget down to its reserve (${b.remaining} of ${b.limit} left until ${new Date(b.reset).toISOString()})`, new Date(b.reset));
      throw this.stopped;
    }
  }

  /** Remaining/limit of the last answer of each API, for the run record. */
  budget(kind: "graphql" | "rest"): Budget | undefined { return this.budgets.get(kind); }

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
