import { DataSource } from "typeorm";
import { UNRESTRICTED } from "../../common/auth";
import { FindingEventType } from "../../common/types";
import type { FindingFilter } from "../../resolvers/types/finding.inputs";
import { compileEventFilter, EventPredicate } from "../event-filter";
import type { EventSource } from "../event-source";

/** Events read (and filtered) per round: the FindingFilter needs the finding's row, so it is evaluated in batches in memory. */
export const FEED_BATCH = 1000;

interface HookRow { id: string; cursor: string; events: FindingEventType[]; filter: FindingFilter | null }

/**
 * Moves events from the log into webhook_delivery. Per round: the enabled
 * webhooks behind the log, ONE read of the next ≤ FEED_BATCH events after the
 * lowest of their cursors (enriched once for all of them), each webhook's
 * types and filter applied, then in one transaction every cursor advanced by
 * compare-and-set (a webhook another instance fed meanwhile is skipped) and
 * the matching deliveries inserted set-based, ON CONFLICT DO NOTHING (unique
 * (webhook_id, event_seq)): feeding twice queues nothing twice.
 */
export class WebhookFeeder {
  private readonly predicates = new Map<string, { key: string; test: EventPredicate }>();

  constructor(private readonly ds: DataSource, private readonly source: EventSource) {}

  /** Feeds until every enabled webhook has caught up with the log; returns the deliveries queued. */
  async feed(): Promise<number> {
    let queued = 0;
    for (;;) {
      const round = await this.round();
      if (round === null) return queued;
      queued += round;
    }
  }

  /** One batch; null when there was nothing to read. */
  private async round(): Promise<number | null> {
    const max = await this.source.maxSeq();
    const hooks: HookRow[] = await this.ds.query(
      `SELECT id, cursor::text AS cursor, events, filter FROM webhook WHERE enabled AND cursor < $1 ORDER BY cursor LIMIT 200`, [max.toString()]);
    if (!hooks.length) return null;
    const from = hooks.reduce((m, h) => (BigInt(h.cursor) < m ? BigInt(h.cursor) : m), BigInt(hooks[0].cursor));
    const batch = await this.source.read(from, FEED_BATCH, null, true);
    if (batch.lastSeq === null) return null;
    const last = batch.lastSeq;
    const ids: string[] = [], olds: string[] = [];
    const rows: { hook: string; seq: string; type: string }[] = [];
    for (const h of hooks) {
      const cursor = BigInt(h.cursor);
      if (cursor >= last) continue;
      ids.push(h.id); olds.push(h.cursor);
      const types = h.events?.length ? new Set(h.events) : null;
      const test = this.predicate(h);
      for (const e of batch.events) {
        if (e.seq > cursor && (!types || types.has(e.type)) && test(e)) rows.push({ hook: h.id, seq: e.seq.toString(), type: e.type });
      }
    }
    if (!ids.length) return 0;
    return this.ds.transaction(async (tx) => {
      const advanced: { id: string }[] = await tx.query(
        `WITH up AS (UPDATE webhook w SET cursor = $1 FROM unnest($2::uuid[], $3::bigint[]) AS v(id, old)
          WHERE w.id = v.id AND w.cursor = v.old AND w.enabled RETURNING w.id) SELECT id FROM up`, [last.toString(), ids, olds]);
      const won = new Set(advanced.map((a) => a.id));
      const mine = rows.filter((r) => won.has(r.hook));
      if (!mine.length) return 0;
      const [{ n }]: { n: number }[] = await tx.query(
        `WITH ins AS (
           INSERT INTO webhook_delivery (webhook_id, event_seq, event_type, status, next_attempt_at)
           SELECT v.hook, v.seq, v.type, 'PENDING', now() FROM unnest($1::uuid[], $2::bigint[], $3::varchar[]) AS v(hook, seq, type)
           ON CONFLICT (webhook_id, event_seq) DO NOTHING RETURNING 1)
         SELECT count(*)::int AS n FROM ins`, [mine.map((r) => r.hook), mine.map((r) => r.seq), mine.map((r) => r.type)]);
      return n;
    });
  }

  /** The compiled filter of a webhook, recompiled when its filter changes. */
  private predicate(h: HookRow): EventPredicate {
    const key = JSON.stringify(h.filter ?? null);
    const hit = this.predicates.get(h.id);
    if (hit && hit.key === key) return hit.test;
    const test = compileEventFilter(UNRESTRICTED, h.filter);
    this.predicates.set(h.id, { key, test });
    return test;
  }
}
