import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { TestApp } from "./app";
import { decodeEventCursor, encodeEventCursor } from "../../src/events";

export const EVENT_FIELDS = "cursor type occurredAt ocsf finding { id severity state repository { fullName } }";

export interface Received { cursor: string; seq: bigint; type: string; occurredAt: string; ocsf: any; finding: any }

export interface EventClient {
  events: Received[];
  errors: any[];
  /** Resolves with the close event of the socket (code, reason). */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `pred` holds over the received events (rejects after `ms`). */
  until(pred: (events: Received[]) => boolean, ms?: number, what?: string): Promise<void>;
  dispose(): Promise<void>;
}

/** A real graphql-ws client subscribed to findingEvents. */
export function subscribeEvents(url: string, token: string, variables: { filter?: unknown; after?: string | null } = {}, fields = EVENT_FIELDS): EventClient {
  const events: Received[] = [];
  const errors: any[] = [];
  let onClose!: (e: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => { onClose = r; });
  const listeners = new Set<() => void>();
  const client = createClient({
    url: url.replace(/^http/, "ws") + "/graphql",
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: { closed: (e) => { const c = e as { code: number; reason: string }; onClose({ code: c.code, reason: String(c.reason) }); listeners.forEach((l) => l()); } },
  });
  client.subscribe(
    { query: `subscription($filter: FindingFilter, $after: String) { findingEvents(filter: $filter, after: $after) { ${fields} } }`, variables },
    {
      next: (r: any) => {
        if (r.errors) errors.push(...r.errors);
        if (r.data?.findingEvents) { const e = r.data.findingEvents; events.push({ ...e, seq: decodeEventCursor(e.cursor) }); }
        listeners.forEach((l) => l());
      },
      error: (e: any) => { errors.push(...(Array.isArray(e) ? e : [e instanceof Error ? { message: e.message } : typeof e?.code === "number" ? { code: e.code, reason: String(e.reason) } : e])); listeners.forEach((l) => l()); },
      complete: () => undefined,
    },
  );
  return {
    events, errors, closed,
    until(pred, ms = 20_000, what = "events") {
      return new Promise((resolve, reject) => {
        const check = () => { if (pred(events)) { cleanup(); resolve(); } };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out waiting for ${what}: have ${events.length} events, errors ${JSON.stringify(errors)}`)); }, ms);
        const cleanup = () => { clearTimeout(timer); listeners.delete(check); };
        listeners.add(check);
        check();
      });
    },
    async dispose() { await client.dispose(); },
  };
}

/** Sequences of finding_event rows after `after` (all, or of one organization), as bigints. */
export async function logSeqs(app: TestApp, after: bigint, where = "", params: unknown[] = []): Promise<bigint[]> {
  const rows: { seq: string }[] = await app.db.dataSource.query(
    `SELECT seq::text AS seq FROM finding_event e WHERE e.seq > $1 ${where} ORDER BY e.seq`, [after.toString(), ...params]);
  return rows.map((r) => BigInt(r.seq));
}

export async function maxSeq(app: TestApp): Promise<bigint> {
  const [row] = await app.db.dataSource.query(`SELECT coalesce(max(seq), 0)::text AS max FROM finding_event`);
  return BigInt(row.max);
}

export function cursorOf(seq: bigint): string {
  return encodeEventCursor(seq.toString());
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
