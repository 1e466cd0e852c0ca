import { DataSource } from "typeorm";
import { AccessScope } from "../common/auth";
import { UserInputError } from "../common/errors";
import { Logger } from "../common/logger";
import type { FindingFilter } from "../findings";
import { eventCommits } from "./outbox";
import type { PriorityService } from "../priority";
import { decodeEventCursor } from "./cursor";
import { compileEventFilter } from "./event-filter";
import { EventBatch, EventSource, LogEvent } from "./event-source";
import { Connection, EventSubscription } from "./event-subscription";
import { PgListener } from "./pg-listener";
import { RedisRelay, RedisRelayOptions } from "./redis-relay";

const PACE_MS = 250;

export interface EventHubOptions {
  /** Events queued per subscriber before it is closed as too slow (EVENT_SUBSCRIBER_BUFFER). */
  subscriberBuffer: number;
  /** EVENT_RETENTION_DAYS, named in the expired-cursor error. */
  retentionDays: number;
  /** Rows per read of the log. */
  batchSize?: number;
}

export interface EventHubStart {
  /** Connection string of a PostgreSQL server to LISTEN on; absent on the embedded database (one connection only) and with Redis. */
  listenUrl?: string;
  /** Redis pub/sub between instances (REDIS_URL): commits of this instance are published, those of the others arrive. */
  redis?: RedisRelayOptions;
  /** Poll fallback interval, ms (default: 150 embedded, 1000 with LISTEN or Redis). */
  pollMs?: number;
}

/**
 * The per-instance fan-out: ONE reader follows the event log (poked by
 * PostgreSQL LISTEN or Redis pub/sub, by in-process commits, and by a short
 * poll as a safety net), reads each new batch once — enriched with a fixed number of queries —
 * and routes it in memory to the subscribers whose filter matches.
 */
export class EventHub {
  readonly source: EventSource;
  private readonly subs = new Set<EventSubscription>();
  /** Told the highest sequence each time the reader gets further (webhook feeding rides on the hub's wake-ups). */
  private readonly advanceListeners = new Set<(seq: bigint) => void>();
  private readonly batchSize: number;
  /** Highest sequence read from the log. */
  private lastSeen = 0n;
  /** Highest sequence handed to live subscribers; a replay that reached it may go live. */
  private dispatchedUpTo = 0n;
  private reading: Promise<void> | null = null;
  private dirty = false;
  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private listener: PgListener | undefined;
  private relay: RedisRelay | undefined;
  private readonly onCommit = (max: string) => { this.poke(); this.relay?.publish(max); };
  /** A LISTEN or Redis message: "committed up to seq N" (empty: unknown); ours, or already read, needs no read. */
  private readonly onRemote = (seq: string) => {
    if (/^\d{1,19}$/.test(seq) && BigInt(seq) <= this.lastSeen) return;
    this.poke();
  };

  constructor(private readonly ds: DataSource, priority: PriorityService, private readonly logger: Logger, private readonly options: EventHubOptions) {
    this.source = new EventSource(ds, priority);
    // A batch is pushed to a subscriber at once, so it must fit in half its queue.
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? 500, Math.floor(options.subscriberBuffer / 2)));
  }

  get subscriberCount(): number { return this.subs.size; }

  /** Calls `listener` whenever the log has grown (local commits, LISTEN/Redis pokes, the poll); returns the unsubscribe. */
  onAdvance(listener: (seq: bigint) => void): () => void {
    this.advanceListeners.add(listener);
    return () => this.advanceListeners.delete(listener);
  }

  /** How commits of other instances reach this one: "redis" (connected or not), "listen", or "local" (this process only). */
  get fanout(): "redis" | "listen" | "local" { return this.relay ? "redis" : this.listener ? "listen" : "local"; }

  /** With Redis: whether it is connected (publishing and subscribed) right now. */
  get redisReady(): boolean { return this.relay?.ready ?? false; }

  async start(opts: EventHubStart = {}): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.lastSeen = this.dispatchedUpTo = await this.source.maxSeq();
    eventCommits(this.ds).on("commit", this.onCommit);
    if (opts.redis) {
      this.relay = new RedisRelay(opts.redis, this.logger, this.onRemote);
      this.relay.start();
    } else if (opts.listenUrl) {
      this.listener = new PgListener(opts.listenUrl, this.logger, this.onRemote);
      await this.listener.start();
    }
    const pollMs = opts.pollMs ?? (opts.listenUrl || opts.redis ? 1000 : 150);
    this.timer = setInterval(() => this.poke(), pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    eventCommits(this.ds).off("commit", this.onCommit);
    for (const s of [...this.subs]) void s.return();
    await this.reading;
    await this.listener?.stop();
    await this.relay?.stop();
  }

  /** Something may have been committed: read the log (coalesced; one read loop at a time). */
  poke(): void {
    if (this.stopped || !this.started) return;
    if (this.reading) { this.dirty = true; return; }
    this.reading = this.follow().finally(() => { this.reading = null; });
  }

  /**
   * A subscription: live only without `after`; with `after`, every matching
   * event after it from the log, then live ones, with no gap and no duplicate.
   */
  async subscribe(access: AccessScope, filter: FindingFilter | null | undefined, after: string | null | undefined, connection?: Connection): Promise<EventSubscription> {
    const matches = compileEventFilter(access, filter);
    const from = after != null ? await this.checkCursor(after) : null;
    const sub = new EventSubscription(matches, access.organizationIds, this.options.subscriberBuffer, from ?? this.dispatchedUpTo, connection, (s) => this.subs.delete(s));
    this.subs.add(sub);
    if (from === null) sub.live = true;
    else void this.replay(sub, from).catch((err) => {
      if (this.stopped || sub.closed) return; // shutting down, or the subscriber left mid-read
      this.logger.error({ err }, "event replay failed");
      sub.fail(err instanceof Error ? err : new Error(String(err)));
    });
    return sub;
  }

  /** A page of the log for polling clients (GET /events). */
  async page(access: AccessScope, after: string | null | undefined, limit: number): Promise<{ events: LogEvent[]; lastSeq: bigint | null }> {
    const from = after != null ? await this.checkCursor(after) : 0n;
    const batch = await this.source.read(from, limit, access.organizationIds);
    return { events: batch.events, lastSeq: batch.lastSeq };
  }

  /** The cursor's sequence, or an error when events after it have been deleted by retention (never a silent gap). */
  async checkCursor(after: string): Promise<bigint> {
    const seq = decodeEventCursor(after);
    const oldest = await this.source.minSeq();
    // Retention deletes a prefix of the log; the cursor's own event is gone and so, possibly, are later ones.
    if (oldest !== null && seq < oldest - 1n) {
      throw new UserInputError(
        `after: the cursor is older than the event retention window (EVENT_RETENTION_DAYS = ${this.options.retentionDays} days): `
        + "events after it were deleted. Subscribe without after for live events, or read GET /events from the oldest retained event.",
        { retentionDays: this.options.retentionDays });
    }
    return seq;
  }

  private async replay(sub: EventSubscription, from: bigint): Promise<void> {
    let position = from;
    const page = Math.max(1, Math.min(this.batchSize, Math.floor(this.options.subscriberBuffer / 2)));
    while (!sub.closed && !this.stopped) {
      const mark = this.dispatchedUpTo;
      const batch = await this.source.read(position, page, sub.organizationIds);
      if (sub.closed) return;
      for (const e of batch.events) if (sub.matches(e)) sub.push(e);
      if (batch.lastSeq !== null) position = batch.lastSeq;
      if (batch.count < page) {
        // Everything committed when the read began is behind us, including all the hub had dispatched then.
        if (mark > position) position = mark;
        if (position >= this.dispatchedUpTo) { sub.live = true; return; }
      }
      await sub.drained(Math.max(1, Math.floor(page / 2)));
    }
  }

  private async follow(): Promise<void> {
    try {
      do {
        this.dirty = false;
        for (;;) {
          let enriched = this.subs.size > 0;
          let batch: EventBatch = await this.source.read(this.lastSeen, this.batchSize, null, enriched);
          if (batch.lastSeq === null) break;
          // Someone subscribed while we read sequences only: read the batch again, enriched.
          if (!enriched && this.subs.size) { enriched = true; batch = await this.source.read(this.lastSeen, this.batchSize, null, true); }
          const last = batch.lastSeq ?? this.lastSeen;
          this.lastSeen = last;
          this.dispatch(batch.events, last);
          await this.pace();
          if (batch.count < this.batchSize || this.stopped) break;
        }
      } while (this.dirty && !this.stopped);
    } catch (err) {
      if (!this.stopped) this.logger.error({ err }, "event reader failed; retrying on the next poll");
    }
  }

  /**
   * During a burst, gives congested subscribers a moment to drain before the
   * next batch, so a merely busy socket is not closed as too slow. Bounded: a
   * stuck subscriber delays the others by at most PACE_MS per batch, then overflows.
   */
  private async pace(): Promise<void> {
    const half = Math.max(1, Math.floor(this.options.subscriberBuffer / 2));
    const congested = [...this.subs].filter((s) => s.live && s.size >= half);
    if (!congested.length) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(congested.map((s) => s.drained(half))),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, PACE_MS); }),
    ]);
    clearTimeout(timer);
  }

  private dispatch(events: LogEvent[], last: bigint): void {
    if (this.subs.size) {
      for (const e of events) {
        for (const s of this.subs) if (s.live && s.matches(e)) s.push(e);
      }
    }
    this.dispatchedUpTo = last;
    for (const l of this.advanceListeners) l(last);
  }
}
