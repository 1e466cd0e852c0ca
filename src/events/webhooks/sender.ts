import { DataSource } from "typeorm";
import { Logger } from "../../common/logger";
import { toGlobalId } from "../../common/ids";
import { SecretBox } from "../../common/crypto";
import type { EventSource } from "../event-source";
import type { EventRenderer } from "./render";
import { secretBytes, signedHeaders } from "./signature";
import { SendResult, WebhookTransport } from "./transport";

export interface SenderOptions {
  /** Seconds before each retry (WEBHOOK_RETRY_SCHEDULE); FAILED after the last. */
  retrySchedule: number[];
  timeoutMs: number;
  allowPrivate: boolean;
  /** Requests in flight per instance (default 32). */
  maxInFlight?: number;
  /** Requests in flight per webhook per instance (default 4), so one slow receiver does not hold up the others. */
  perWebhook?: number;
  /** Longest sleep when nothing is due, ms (default 1000). */
  idlePollMs?: number;
}

const BODY_TTL_MS = 5_000;
const BODY_CACHE_MAX = 20_000;
/** Fewer free slots than this and requests in flight: wait a moment so claims come in batches. */
const MIN_CLAIM = 8;

interface Claimed { id: string; webhook_id: string; event_seq: string; attempts: number }
interface Hook { url: string; keys: Buffer[] }
interface Outcome { id: string; webhookId: string; status: "PENDING" | "SUCCEEDED" | "FAILED"; at: Date; next: Date | null; result: SendResult; disable: string | null }

/**
 * Sends due deliveries. A claim is one statement — `FOR UPDATE SKIP LOCKED`
 * per webhook (at most `perWebhook` minus what this instance already has in
 * flight for it) — that pushes next_attempt_at forward by a lease (timeout + 30 s):
 * the delivery is in flight, no other instance claims it, and if this one dies
 * before recording the outcome it is due again (at-least-once). Requests run
 * outside any transaction; outcomes are recorded in batches, long before the lease ends.
 */
export class WebhookSender {
  private readonly transport: WebhookTransport;
  private readonly maxInFlight: number;
  private readonly perWebhook: number;
  private readonly leaseMs: number;
  private readonly busy = new Map<string, number>();
  private readonly sends = new Set<Promise<void>>();
  private outcomes: Outcome[] = [];
  private flushing: Promise<void> | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private poked = false;
  private readonly keyCache = new Map<string, Buffer>();
  /** Bodies rendered in the last BODY_TTL_MS (a body does not depend on the webhook: one rendering serves all of them). */
  private readonly bodies = new Map<bigint, { body: string; at: number }>();

  constructor(private readonly ds: DataSource, private readonly source: EventSource, private readonly secrets: SecretBox,
    private readonly render: EventRenderer, private readonly logger: Logger, private readonly options: SenderOptions) {
    this.maxInFlight = options.maxInFlight ?? 32;
    this.perWebhook = options.perWebhook ?? 4;
    this.leaseMs = options.timeoutMs + 30_000;
    this.transport = new WebhookTransport({ timeoutMs: options.timeoutMs, allowPrivate: options.allowPrivate, maxSockets: this.perWebhook });
  }

  get inFlight(): number { return this.sends.size; }

  start(): void {
    this.loop ??= this.run();
  }

  /** Something may be due (new deliveries, a redelivery, a free slot). */
  poke(): void {
    this.poked = true;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Stops claiming, lets requests in flight finish (bounded by the timeout) and records their outcomes. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.loop;
    await Promise.all([...this.sends]);
    await this.flushing;
    await this.flush();
    this.transport.close();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        this.poked = false;
        let free = this.maxInFlight - this.sends.size;
        if (free < Math.min(MIN_CLAIM, this.maxInFlight) && this.sends.size) {
          await new Promise((r) => setTimeout(r, 5));
          free = this.maxInFlight - this.sends.size;
        }
        if (free <= 0) { await this.sleep(this.options.idlePollMs ?? 1000); continue; }
        // Outcomes first: a webhook disabled by a 410 is not claimed for again.
        await this.flushing;
        const claimed = await this.claim(free);
        if (this.stopped) { await this.release(claimed); break; }
        if (!claimed.length) { await this.sleep(await this.untilNextDue()); continue; }
        await this.dispatch(claimed);
      } catch (err) {
        if (this.stopped) break;
        this.logger.error({ err }, "webhook sender failed; retrying");
        await this.sleep(1000);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.poked || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(timer); resolve(); };
    });
  }

  private async untilNextDue(): Promise<number> {
    const [row]: { ms: number | null }[] = await this.ds.query(
      `SELECT (extract(epoch FROM min(d.next_attempt_at) - now()) * 1000)::float8 AS ms
         FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id AND w.enabled WHERE d.status = 'PENDING'`);
    const idle = this.options.idlePollMs ?? 1000;
    return row?.ms == null ? idle : Math.max(10, Math.min(idle, Math.ceil(row.ms)));
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const busyIds = [...this.busy.keys()];
    return this.ds.query(
      `WITH c AS (
         SELECT x.id FROM webhook w
           LEFT JOIN unnest($1::uuid[], $2::int[]) AS b(id, n) ON b.id = w.id
           CROSS JOIN LATERAL (
             SELECT d.id FROM webhook_delivery d
              WHERE d.webhook_id = w.id AND d.status = 'PENDING' AND d.next_attempt_at <= now()
              ORDER BY d.next_attempt_at
              LIMIT greatest(0, $3 - coalesce(b.n, 0))
              FOR UPDATE OF d SKIP LOCKED) x
          WHERE w.enabled
          LIMIT $4),
       up AS (
         UPDATE webhook_delivery d SET next_attempt_at = now() + $5 * interval '1 millisecond'
           FROM c WHERE d.id = c.id
         RETURNING d.id, d.webhook_id, d.event_seq::text AS event_seq, d.attempts)
       SELECT * FROM up`,
      [busyIds, busyIds.map((id) => this.busy.get(id)!), this.perWebhook, limit, this.leaseMs]);
  }

  /** Claimed at shutdown but not sent: due again at once. */
  private async release(claimed: Claimed[]): Promise<void> {
    if (!claimed.length) return;
    await this.ds.query(`UPDATE webhook_delivery SET next_attempt_at = now() WHERE id = ANY($1::uuid[]) AND status = 'PENDING'`, [claimed.map((c) => c.id)]);
  }

  private async dispatch(claimed: Claimed[]): Promise<void> {
    const hooks = await this.hooks([...new Set(claimed.map((c) => c.webhook_id))]);
    const bodies = await this.bodiesOf([...new Set(claimed.map((c) => BigInt(c.event_seq)))]);
    for (const d of claimed) {
      const hook = hooks.get(d.webhook_id);
      const body = bodies.get(BigInt(d.event_seq));
      if (!hook || body === undefined) {
        const error = !hook ? "the webhook was deleted" : "the event is no longer in the log (retention) or its finding was deleted";
        this.record(d, { status: null, excerpt: null, error }, true);
        continue;
      }
      this.busy.set(d.webhook_id, (this.busy.get(d.webhook_id) ?? 0) + 1);
      const p: Promise<void> = this.send(d, hook, body).finally(() => {
        this.sends.delete(p);
        const n = (this.busy.get(d.webhook_id) ?? 1) - 1;
        if (n > 0) this.busy.set(d.webhook_id, n); else this.busy.delete(d.webhook_id);
        this.poke();
      });
      this.sends.add(p);
    }
    void this.scheduleFlush();
  }

  private async bodiesOf(seqs: bigint[]): Promise<Map<bigint, string>> {
    const now = Date.now();
    const out = new Map<bigint, string>();
    const missing: bigint[] = [];
    for (const seq of seqs) {
      const hit = this.bodies.get(seq);
      if (hit && now - hit.at < BODY_TTL_MS) out.set(seq, hit.body); else missing.push(seq);
    }
    if (!missing.length) return out;
    const rendered = await this.render(await this.source.readSeqs(missing));
    if (this.bodies.size + rendered.size > BODY_CACHE_MAX) {
      for (const [k, v] of this.bodies) if (now - v.at >= BODY_TTL_MS) this.bodies.delete(k);
      if (this.bodies.size + rendered.size > BODY_CACHE_MAX) this.bodies.clear();
    }
    for (const [seq, body] of rendered) { out.set(seq, body); this.bodies.set(seq, { body, at: now }); }
    return out;
  }

  private async send(d: Claimed, hook: Hook, body: string): Promise<void> {
    const id = toGlobalId("WebhookDelivery", d.id);
    const headers = signedHeaders(hook.keys, id, Math.floor(Date.now() / 1000), body);
    const result = await this.transport.post(hook.url, { ...headers }, body);
    this.record(d, result, false);
  }

  private record(d: Claimed, result: SendResult, final: boolean): void {
    const at = new Date();
    const s = result.status;
    let outcome: Outcome;
    if (s !== null && s >= 200 && s < 300) outcome = { id: d.id, webhookId: d.webhook_id, status: "SUCCEEDED", at, next: null, result, disable: null };
    else if (s === 410) {
      outcome = { id: d.id, webhookId: d.webhook_id, status: "FAILED", at, next: null, result: { ...result, error: "410 Gone: the webhook was disabled" }, disable: `the receiver answered 410 Gone (${at.toISOString()})` };
    } else {
      const error = result.error ?? (s !== null && s >= 300 && s < 400 ? `HTTP ${s}: redirects are not followed` : `HTTP ${s}`);
      const delay = final ? undefined : this.options.retrySchedule[d.attempts];
      outcome = delay === undefined
        ? { id: d.id, webhookId: d.webhook_id, status: "FAILED", at, next: null, result: { ...result, error }, disable: null }
        : { id: d.id, webhookId: d.webhook_id, status: "PENDING", at, next: new Date(at.getTime() + delay * 1000), result: { ...result, error }, disable: null };
    }
    this.outcomes.push(outcome);
    void this.scheduleFlush();
  }

  private scheduleFlush(): Promise<void> {
    this.flushing ??= new Promise<void>((r) => setImmediate(r)).then(() => this.flush()).finally(() => { this.flushing = null; });
    return this.flushing;
  }

  /** Writes the recorded outcomes in one statement (and disables webhooks that answered 410). */
  private async flush(): Promise<void> {
    while (this.outcomes.length) {
      const batch = this.outcomes;
      this.outcomes = [];
      try {
        await this.ds.query(
          `UPDATE webhook_delivery d SET status = v.status, attempts = d.attempts + 1, last_attempt_at = v.at, next_attempt_at = v.next,
                  response_status = v.code, response_excerpt = v.excerpt, error = v.error
             FROM unnest($1::uuid[], $2::varchar[], $3::timestamptz[], $4::timestamptz[], $5::int[], $6::varchar[], $7::text[])
                  AS v(id, status, at, next, code, excerpt, error)
            WHERE d.id = v.id`,
          [batch.map((o) => o.id), batch.map((o) => o.status), batch.map((o) => o.at.toISOString()), batch.map((o) => o.next?.toISOString() ?? null),
            batch.map((o) => o.result.status), batch.map((o) => o.result.excerpt), batch.map((o) => o.result.error)]);
        const gone = batch.filter((o) => o.disable);
        if (gone.length) {
          await this.ds.query(`UPDATE webhook SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = ANY($1::uuid[])`,
            [[...new Set(gone.map((o) => o.webhookId))], gone[0].disable]);
          this.logger.warn({ webhooks: gone.map((o) => o.webhookId) }, "webhook disabled: the receiver answered 410 Gone");
        }
      } catch (err) {
        // Unrecorded outcomes are retried when their lease ends (at-least-once).
        this.logger.error({ err }, "recording webhook outcomes failed");
        return;
      }
    }
  }

  /** URL and signing keys of the webhooks (the previous secret too while it is within its rotation window). */
  private async hooks(ids: string[]): Promise<Map<string, Hook>> {
    const rows: { id: string; url: string; secret: string; previous_secret: string | null; previous_secret_expires_at: Date | null }[] = await this.ds.query(
      `SELECT id, url, secret, previous_secret, previous_secret_expires_at FROM webhook WHERE id = ANY($1::uuid[])`, [ids]);
    const now = Date.now();
    return new Map(rows.map((r) => {
      const keys = [this.key(r.secret)];
      if (r.previous_secret && r.previous_secret_expires_at && new Date(r.previous_secret_expires_at).getTime() > now) keys.push(this.key(r.previous_secret));
      return [r.id, { url: r.url, keys }];
    }));
  }

  private key(sealed: string): Buffer {
    let k = this.keyCache.get(sealed);
    if (!k) {
      k = secretBytes(this.secrets.open(sealed));
      if (this.keyCache.size > 1000) this.keyCache.clear();
      this.keyCache.set(sealed, k);
    }
    return k;
  }
}
