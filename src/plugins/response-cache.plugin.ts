import crypto from "node:crypto";
import { ApolloServerPlugin, HeaderMap } from "@apollo/server";
import type { FormattedExecutionResult } from "graphql";

export interface ResponseCacheOptions<T> {
  /** How long an entry may serve (bounds what depends on the clock, not on data: ages, expiries); 0 disables. */
  ttlMs: number;
  /** Bytes of serialized responses kept (approximately); least recently used go first. */
  maxBytes: number;
  /** The database snapshot the request saw before executing (pg_current_snapshot as text); none: not cached. */
  snapshot: (context: T) => string | undefined;
  /** Who asks: responses are never shared between principals. */
  principal: (context: T) => string;
  /** Whether this request used something that must run every time (audited admin fields). */
  uncacheable?: (context: T) => boolean;
  /** The operation's estimated cost (charged again when an entry serves; see response-cache.http.ts). */
  cost?: (context: T) => number | undefined;
  onResult?: (result: "hit" | "miss") => void;
  now?: () => number;
  /** Shared with the HTTP fast path; one per server. */
  cache?: SnapshotCache;
}

export interface Entry { result: FormattedExecutionResult; bytes: number; at: number; body: string; cost: number }

/** The key of a request: who, which document (sha256, as Apollo's queryHash), which operation as requested, which variables. */
export function cacheKey(principal: string, queryHash: string, operationName: string | null | undefined, variables: unknown): string {
  return `${principal}\u0000${queryHash}\u0000${operationName ?? ""}\u0000${JSON.stringify(variables ?? {})}`;
}

export function queryHash(query: string): string {
  return crypto.createHash("sha256").update(query).digest("hex");
}

/**
 * Serves a query's response again while the database has not changed.
 *
 * Exact, not time-based: the key includes the request's database snapshot
 * (`pg_current_snapshot()` read with the token, before execution), and two
 * snapshots are equal only when the same set of transactions has committed —
 * any write anywhere, by any instance, makes every later request's snapshot
 * differ (xmax moves, or a running transaction leaves xip). A response is
 * stored only for its own snapshot, so it can be served only to requests that
 * started before the next commit, which could have seen the same thing.
 * The TTL bounds only what depends on the clock (SLA ages in priority factors).
 *
 * Only queries without errors, kept from their second request within a
 * snapshot; never mutations or subscriptions; never across principals. A hit still pays parsing, validation, the limits and the cost
 * budget (responseForOperation runs after didResolveOperation).
 */
export function responseCachePlugin<T extends object>(options: ResponseCacheOptions<T>): ApolloServerPlugin<T> {
  const cache = options.cache ?? new SnapshotCache(options.maxBytes);
  const now = options.now ?? Date.now;
  return {
    async requestDidStart() {
      if (options.ttlMs <= 0) return {};
      let key: string | null = null;
      let snapshot: string | undefined;
      let hit = false;
      return {
        async responseForOperation(rc) {
          if (rc.operation.operation !== "query") return null;
          snapshot = options.snapshot(rc.contextValue);
          if (!snapshot) return null;
          key = cacheKey(options.principal(rc.contextValue), rc.queryHash ?? queryHash(rc.request.query ?? ""), rc.request.operationName, rc.request.variables);
          const entry = cache.get(snapshot, key);
          if (!entry || now() - entry.at > options.ttlMs) { options.onResult?.("miss"); return null; }
          hit = true;
          options.onResult?.("hit");
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: "single", singleResult: entry.result } };
        },
        async willSendResponse(rc) {
          if (hit || key === null || !snapshot) return;
          const body = rc.response.body;
          if (body.kind !== "single" || body.singleResult.errors?.length || (rc.response.http.status ?? 200) !== 200) return;
          if (options.uncacheable?.(rc.contextValue)) return;
          // Kept from the second time it is asked within a snapshot: measuring a one-off answer (a stringify) is not free.
          if (!cache.admit(snapshot, key)) return;
          const text = JSON.stringify(body.singleResult);
          cache.set(snapshot, key, { result: body.singleResult, bytes: text.length, at: now(), body: text, cost: options.cost?.(rc.contextValue) ?? 0 });
        },
      };
    },
  };
}

/**
 * Entries of the newest snapshots only: a snapshot that has been superseded
 * never comes back (xmax only grows), so at most two are kept (requests that
 * straddle a commit), each an LRU map bounded by bytes in all.
 */
export class SnapshotCache {
  private readonly gens = new Map<string, Map<string, Entry>>();
  private bytes = 0;
  private seen = { snapshot: "", keys: new Set<string>() };

  constructor(private readonly maxBytes: number, private readonly maxSeen = 10_000) {}

  /** Whether the key was asked before within this snapshot (and remembers that it now was). */
  admit(snapshot: string, key: string): boolean {
    if (this.seen.snapshot !== snapshot) this.seen = { snapshot, keys: new Set() };
    if (this.seen.keys.has(key)) return true;
    if (this.seen.keys.size >= this.maxSeen) this.seen.keys.clear();
    this.seen.keys.add(key);
    return false;
  }

  get(snapshot: string, key: string): Entry | undefined {
    const gen = this.gens.get(snapshot);
    const e = gen?.get(key);
    if (e) { gen!.delete(key); gen!.set(key, e); } // most recently used last
    return e;
  }

  set(snapshot: string, key: string, entry: Entry): void {
    if (entry.bytes > this.maxBytes) return;
    let gen = this.gens.get(snapshot);
    if (!gen) {
      gen = new Map();
      this.gens.set(snapshot, gen);
      while (this.gens.size > 2) this.drop(this.gens.keys().next().value!);
    }
    const old = gen.get(key);
    if (old) { this.bytes -= old.bytes; gen.delete(key); }
    gen.set(key, entry);
    this.bytes += entry.bytes;
    while (this.bytes > this.maxBytes) {
      const [s, g] = this.gens.entries().next().value!;
      const first = g.keys().next();
      if (first.done) { this.gens.delete(s); continue; }
      this.bytes -= g.get(first.value)!.bytes;
      g.delete(first.value);
      if (!g.size && s !== snapshot) this.gens.delete(s);
    }
  }

  get size(): { snapshots: number; entries: number; bytes: number } {
    let entries = 0;
    for (const g of this.gens.values()) entries += g.size;
    return { snapshots: this.gens.size, entries, bytes: this.bytes };
  }

  private drop(snapshot: string): void {
    const g = this.gens.get(snapshot);
    if (!g) return;
    for (const e of g.values()) this.bytes -= e.bytes;
    this.gens.delete(snapshot);
  }
}
