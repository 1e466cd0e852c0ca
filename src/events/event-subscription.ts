import { AppError } from "../common/errors";
import { eventSubscribersDropped, eventsDelivered } from "../common/metrics";
import { EventPredicate } from "./event-filter";
import type { LogEvent } from "./event-source";

export const TOO_SLOW_REASON = "subscriber too slow: resume from your last cursor";
/** WebSocket close code for a subscriber that fell behind: 1013 "Try Again Later". */
export const TOO_SLOW_CLOSE_CODE = 1013;

export interface Connection { close(code: number, reason: string): void }

/**
 * An event rendered for delivery, shared by every subscriber that asked for
 * the same thing (see http/ws-event-delivery.ts): ready once `payload` is set;
 * subscribers that reach it earlier wait in `waiters` (one promise per
 * rendering, none per subscriber).
 */
export interface Rendered {
  payload: Buffer | null;
  waiters: (() => void)[] | null;
}

/**
 * Direct delivery: the subscription writes rendered events to its socket
 * itself instead of handing them one by one to an async iterator.
 */
export interface EventSink {
  render(e: LogEvent): Rendered;
  /** Writes a ready event; false when the socket must drain first — `resume` is then called once it has. */
  write(r: Rendered, resume: () => void): boolean;
}

interface Item { event: LogEvent; rendered: Rendered | null }

/**
 * One subscriber: a bounded queue, read by graphql-ws as an async iterator
 * or, once a sink is attached, written by the subscription to its socket.
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
  private queue: Item[] = [];
  private head = 0;
  private waiting: ((r: IteratorResult<LogEvent>) => void) | null = null;
  private waitingReject: ((e: unknown) => void) | null = null;
  private failure: Error | null = null;
  private drainWaiters: { below: number; resolve: () => void }[] = [];
  private sink: EventSink | null = null;
  /** Sink mode: the head item's rendering or the socket is awaited. */
  private blocked = false;
  private readonly resume = () => { this.blocked = false; this.pump(); };
  private closeListeners: (() => void)[] = [];

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

  /** Runs `f` once the subscription has ended (at once if it has). */
  onClose(f: () => void): void {
    if (this.closed) f(); else this.closeListeners.push(f);
  }

  /**
   * From now on events are rendered by `sink` and written by this
   * subscription; the iterator only reports the end (done, or the failure).
   */
  attach(sink: EventSink): void {
    this.sink = sink;
    for (let i = this.head; i < this.queue.length; i++) this.queue[i].rendered = sink.render(this.queue[i].event);
    this.pump();
  }

  /** Queues an event (if new); false when the subscriber is gone. */
  push(e: LogEvent): boolean {
    if (this.closed) return false;
    if (e.seq <= this.lastQueued) return true;
    this.lastQueued = e.seq;
    if (this.waiting && !this.sink) {
      const resolve = this.waiting;
      this.waiting = null; this.waitingReject = null;
      eventsDelivered.inc({ transport: "websocket" });
      resolve({ value: e, done: false });
      return true;
    }
    this.queue.push({ event: e, rendered: this.sink ? this.sink.render(e) : null });
    if (this.live && this.size > this.limit) { eventSubscribersDropped.inc(); this.fail(new AppError("LIMIT_EXCEEDED", TOO_SLOW_REASON, { limit: "subscriberBuffer" })); return false; }
    if (this.sink && !this.blocked) this.pump();
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
    if (!this.sink && this.size > 0) {
      const value = this.shift().event;
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

  /** Sink mode: writes ready events in order, synchronously, until one is still rendering or the socket is full. */
  private pump(): void {
    const sink = this.sink!;
    while (!this.closed && this.size > 0) {
      const item = this.queue[this.head];
      const r = item.rendered!;
      if (!r.payload) { this.blocked = true; (r.waiters ??= []).push(this.resume); return; }
      this.shift();
      eventsDelivered.inc({ transport: "websocket" });
      if (!sink.write(r, this.resume)) { this.blocked = true; break; }
    }
    if (this.drainWaiters.length) this.wakeDrained();
  }

  private shift(): Item {
    const item = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue = this.queue.slice(this.head); this.head = 0; }
    if (this.drainWaiters.length) this.wakeDrained();
    return item;
  }

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
    const listeners = this.closeListeners;
    this.closeListeners = [];
    for (const f of listeners) f();
  }
}
