import { EventEmitter } from "node:events";
import { DataSource, EntityManager, EntitySubscriberInterface, EventSubscriber, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from "typeorm";
import { FindingEventType } from "../../common/types";
import { unnestColumns } from "../../db/pg-array";

export interface EventRow {
  findingId: string;
  organizationId: string;
  repositoryId: string;
  type: FindingEventType;
  payload: Record<string, unknown>;
}

/** Channel on which a committed transaction announces the highest event sequence it wrote. */
export const EVENT_CHANNEL = "posturegraph_finding_events";

/**
 * Serializes the last step of event-writing transactions (insert + commit) so
 * that sequences become visible in order: a reader that has seen seq N never
 * sees a smaller seq commit later. Taken only at commit time, after every other
 * lock the transaction needs, so it cannot take part in a deadlock.
 */
export const EVENT_COMMIT_LOCK = 0x5e9_e7e1;

interface Pending { events: EventRow[]; at: Date }
const PENDING = "posturegraphPendingEvents";

/**
 * Appends events to the caller's transaction. The rows are written at commit
 * (one set-based insert for the whole transaction, however many loads it ran)
 * with ONE pg_notify of the highest sequence — never once per row: per-row
 * NOTIFY serializes commits (architecture.md). Listeners see the notification
 * only after commit. Outside a transaction, the events get one of their own.
 */
export async function appendEvents(em: EntityManager, events: EventRow[], at: Date): Promise<void> {
  if (!events.length) return;
  const qr = em.queryRunner;
  if (!qr || !qr.isTransactionActive) {
    await em.transaction((tx) => appendEvents(tx, events, at));
    return;
  }
  const pending = (qr.data[PENDING] ??= []) as Pending[];
  pending.push({ events, at });
}

async function flush(qr: QueryRunner): Promise<string | null> {
  const pending = qr.data[PENDING] as Pending[] | undefined;
  delete qr.data[PENDING];
  if (!pending?.length) return null;
  const rows = pending.flatMap((p) => { const at = p.at.toISOString(); return p.events.map((e) => ({ ...e, at })); });
  // Array literals by db/pg-array.ts (pg's own serializer is slow at 25,000 rows); a load's events share organization,
  // repository, type and time, each then one parameter.
  const params: unknown[] = [];
  const u = unnestColumns([
    { name: "finding_id", type: "uuid", kind: "text", values: rows.map((e) => e.findingId), varying: true },
    { name: "organization_id", type: "uuid", kind: "text", values: rows.map((e) => e.organizationId) },
    { name: "repository_id", type: "uuid", kind: "text", values: rows.map((e) => e.repositoryId) },
    { name: "type", type: "varchar", kind: "text", values: rows.map((e) => e.type) },
    { name: "at", type: "timestamptz", kind: "text", values: rows.map((e) => e.at) },
    { name: "payload", type: "jsonb", kind: "json", values: rows.map((e) => e.payload) },
  ], params, { ordinality: true });
  // Built before the lock: every event-writing commit waits for it.
  await qr.query("SELECT pg_advisory_xact_lock($1)", [EVENT_COMMIT_LOCK]);
  const [{ max }]: { max: string }[] = await qr.query(
    `WITH ins AS (
       INSERT INTO finding_event (finding_id, organization_id, repository_id, type, occurred_at, payload)
       SELECT ${["finding_id", "organization_id", "repository_id", "type", "at", "payload"].map(u.col).join(", ")}
         FROM ${u.from}
        ORDER BY u.ord
       RETURNING seq)
     SELECT max(seq)::text AS max FROM ins`, params);
  await qr.query("SELECT pg_notify($1, $2)", [EVENT_CHANNEL, max]);
  return max;
}

/** Savepoint nesting of a TypeORM query runner (protected in its typings, public at run time). */
function depth(qr: QueryRunner): number {
  return (qr as unknown as { transactionDepth: number }).transactionDepth ?? 1;
}

const signals = new WeakMap<DataSource, EventEmitter>();

/** In-process signal "events committed" (payload: highest seq) — the embedded database has no second connection to LISTEN on. */
export function eventCommits(ds: DataSource): EventEmitter {
  let e = signals.get(ds);
  if (!e) { e = new EventEmitter(); e.setMaxListeners(0); signals.set(ds, e); }
  return e;
}

/** Writes a transaction's pending events just before its (outermost) commit, and signals after it. */
@EventSubscriber()
export class EventLogSubscriber implements EntitySubscriberInterface {
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    if (depth(event.queryRunner) > 1) return;
    const max = await flush(event.queryRunner);
    if (max) event.queryRunner.data.posturegraphCommittedSeq = max;
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const max = event.queryRunner.data.posturegraphCommittedSeq as string | undefined;
    if (!max) return;
    delete event.queryRunner.data.posturegraphCommittedSeq;
    eventCommits(event.dataSource).emit("commit", max);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (depth(event.queryRunner) === 0) {
      delete event.queryRunner.data[PENDING];
      delete event.queryRunner.data.posturegraphCommittedSeq;
    }
  }
}
