import { AppError } from "../common/errors";
import { eventSubscribersDropped, eventsDelivered } from "../http/metrics";
import { EventPredicate } from "./event-filter";
import type { LogEvent } from "./event-source";

export const TOO_SLOW_REASON = "subscriber too slow: resume from your last cursor";
/** WebSocket close code for a subscriber that fell behind: 1013 "Try Again Later". */
export const TOO_SLOW_CLOSE_CODE = 1013;

export interface Connection { close(code: number, reason: string): void }

/**
 * One subscriber: a bounded queue read by graphql-ws as an async iterator.
 * While `live` is false the hub ignores it and the replay feeds it from the
 * log; afterwards the hub pushes matching events. Sequences at or below the
 * last queued one are dropped, so the replay/live seam has no duplicate.
 * A live subscriber whose queue passes `limit` is failed and its socket
 * closed — memory stays bounded and other subscribers are unaffected.
 */
export class EventSubscription implements AsyncIterableIterator<LogEvent> {
  live = false;
  closed = false;
  /** Highest sequence queued (or the resume cursor). */
  lastQueued: bigint;
  private queue: LogEvent[] = [];
  private head = 0;
  private waiting: ((r: IteratorResult<LogEvent>) => void) | null = null;
  private waitingReject: ((e: unknown) => void) | null = null;
  private failure: Error | null = null;
  private drainWaiters: { below: number; resolve: () => void }[] = [];

  constructor(
    readonly matches: EventPredicate,
    readonly organizationIds: string[] | null,
    private readonly limit: number,
    after: bigint,
    private readonly connection: Connection | undefined,
    private readonly onEnd: (s: EventSubscription) => void,
  ) {
    this.lastQueued = after;
  }

  get size(): number { return this.queue.length - this.head; }

  /** Queues an event (if new); false when the subscriber is gone. */
  push(e: LogEvent): boolean {
    if (this.closed) return false;
    if (e.seq <= this.lastQueued) return true;
    this.lastQueued = e.seq;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null; this.waitingReject = null;
      eventsDelivered.inc({ transport: "websocket" });
      resolve({ value: e, done: false });
      return true;
    }
    this.queue.push(e);
    if (this.live && this.size > this.limit) { eventSubscribersDropped.inc(); this.fail(new AppError("LIMIT_EXCEEDED", TOO_SLOW_REASON, { limit: "subscriberBuffer" })); return false; }
    return true;
  }

  /** Resolves once the queue is below `below` events (the replay's backpressure). */
  drained(below: number): Promise<void> {
    if (this.size < below || this.closed) return Promise.resolve();
    return new Promise((resolve) => { this.drainWaiters.push({ below, resolve }); });
  }

  fail(err: Error): void {
    if (this.closed) return;
    this.failure = err;
    this.queue = []; this.head = 0;
    this.end();
    this.connection?.close(TOO_SLOW_CLOSE_CODE, err.message);
    if (this.waitingReject) { const reject = this.waitingReject; this.waiting = null; this.waitingReject = null; reject(err); }
  }

  next(): Promise<IteratorResult<LogEvent>> {
    if (this.size > 0) {
      const value = this.queue[this.head++];
      if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue = this.queue.slice(this.head); this.head = 0; }
      if (this.drainWaiters.length) this.wakeDrained();
      eventsDelivered.inc({ transport: "websocket" });
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) { const err = this.failure; this.failure = null; return Promise.reject(err); }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    if (this.drainWaiters.length) this.wakeDrained();
    return new Promise((resolve, reject) => { this.waiting = resolve; this.waitingReject = reject; });
  }

  return(): Promise<IteratorResult<LogEvent>> {
    this.queue = []; this.head = 0;
    this.end();
    if (this.waiting) { const resolve = this.waiting; this.waiting = null; this.waitingReject = null; resolve({ value: undefined, done: true }); }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<LogEvent>> {
    void this.return();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LogEvent> { return this; }

  private wakeDrained(): void {
    const keep: { below: number; resolve: () => void }[] = [];
    for (const w of this.drainWaiters) { if (this.closed || this.size < w.below) w.resolve(); else keep.push(w); }
    this.drainWaiters = keep;
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeDrained();
    this.onEnd(this);
  }
}
