/**
 * Scenario 7 of `npm run bench`: delivery latency of findingEvents to 1,000
 * graphql-ws subscribers (10 different filters) of an already running server,
 * while events are committed at 10/s.
 *
 * The subscribers run in a forked process (test/bench/subscribers.ts). Events
 * are committed by this process straight into the server's database, the
 * way the finding load path does at commit (services/event-log.ts): under the
 * event commit lock, an UPDATED event of a random existing finding, and one
 * pg_notify of its sequence — each its own transaction. Latency = wall-clock
 * receipt in the subscriber process − wall-clock end of COMMIT here. The
 * events are deleted afterwards (they describe no change).
 */
import pg from "pg";
import { EVENT_CHANNEL, EVENT_COMMIT_LOCK } from "../../src/events/outbox";
import { BENCH_FILTERS, BENCH_QUERY, now, pct, SubscriberPool } from "./subscribers";

export interface SubscriptionScenarioOptions {
  /** The running server, e.g. http://127.0.0.1:4000. */
  baseUrl: string;
  /** A token with the READ scope (not limited to organizations, so every event reaches the unfiltered subscribers). */
  token: string;
  /** A pool on the server's database. */
  pool: pg.Pool;
  subscribers?: number;
  /** Events per second. */
  rate?: number;
  durationS?: number;
}

export interface LatencyStat { n: number; p50: number; p95: number; p99: number; max: number; rps: number }

/** Shaped like a row of run.ts. */
export interface SubscriptionScenarioRow {
  scenario: string;
  target: string;
  graphql: LatencyStat;
  note: string;
  ok: boolean;
  extra: Record<string, unknown>;
}

const TARGET_P99_MS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openSubscriptions(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^posturegraph_subscriptions (\d+)/m.exec(text)?.[1] ?? 0);
}

export async function runSubscriptionScenario(o: SubscriptionScenarioOptions): Promise<SubscriptionScenarioRow> {
  const count = o.subscribers ?? 1000;
  const rate = o.rate ?? 10;
  const durationS = o.durationS ?? 20;
  const findings: { id: string }[] = (await o.pool.query("SELECT id FROM finding TABLESAMPLE SYSTEM (1) LIMIT 500")).rows;
  if (!findings.length) findings.push(...(await o.pool.query("SELECT id FROM finding LIMIT 500")).rows);
  if (!findings.length) throw new Error("scenario 7 needs findings in the database");
  const [{ full_name: repository }] = (await o.pool.query("SELECT r.full_name FROM repository r JOIN finding f ON f.repository_id = r.id WHERE f.id = $1", [findings[0].id])).rows;

  const before = await openSubscriptions(o.baseUrl);
  const subs = await SubscriberPool.start({ url: o.baseUrl, token: o.token, count, query: BENCH_QUERY, variables: BENCH_FILTERS(repository).map((f) => ({ f })) });
  const commitAt = new Map<string, number>();
  const seqs: string[] = [];
  try {
    for (let i = 0; i < 400 && (await openSubscriptions(o.baseUrl)) < before + count; i++) await sleep(50);
    await sleep(1000);
    const client = await o.pool.connect();
    try {
      const commit = async () => {
        const f = findings[Math.floor(Math.random() * findings.length)];
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1)", [EVENT_COMMIT_LOCK]);
        const { rows: [{ seq }] } = await client.query(
          `INSERT INTO finding_event (finding_id, organization_id, repository_id, type, occurred_at, payload)
           SELECT id, organization_id, repository_id, 'UPDATED', now(), '{"bench": "subscriptions"}'::jsonb FROM finding WHERE id = $1
           RETURNING seq::text AS seq`, [f.id]);
        await client.query("SELECT pg_notify($1, $2)", [EVENT_CHANNEL, seq]);
        await client.query("COMMIT");
        commitAt.set(seq, now());
        seqs.push(seq);
      };
      const t0 = performance.now();
      let sent = 0;
      while (performance.now() - t0 < durationS * 1000) {
        const due = Math.floor(((performance.now() - t0) / 1000) * rate);
        while (sent < due) { await commit(); sent++; }
        await sleep(5);
      }
    } finally { client.release(); }
    await sleep(2000);
    const { receipts, errors } = await subs.receipts();
    const latencies = receipts.map((r) => r.at - (commitAt.get(r.seq) ?? NaN)).filter((x) => !Number.isNaN(x));
    if (!latencies.length) throw new Error(`scenario 7: no event delivered (${errors[0] ?? "no error reported"})`);
    const r = (x: number) => Math.round(x * 10) / 10;
    const graphql: LatencyStat = {
      n: latencies.length, p50: r(pct(latencies, 50)), p95: r(pct(latencies, 95)), p99: r(pct(latencies, 99)), max: r(pct(latencies, 100)),
      rps: Math.round(latencies.length / durationS),
    };
    return {
      scenario: `7. subscription delivery, ${count.toLocaleString("en-US")} subscribers`,
      target: `p99 ≤ ${TARGET_P99_MS} ms commit → client`,
      graphql,
      note: `${rate} events/s for ${durationS} s, 10 filters, subscribers in a separate process; latency (not request time) in the GraphQL columns, rps = deliveries/s`,
      ok: graphql.p99 <= TARGET_P99_MS,
      extra: { events: seqs.length, deliveries: latencies.length, subscriberErrors: errors.length, firstError: errors[0] },
    };
  } finally {
    await subs.close();
    if (seqs.length) {
      await o.pool.query("DELETE FROM finding_event WHERE seq BETWEEN $1 AND $2 AND payload->>'bench' = 'subscriptions'", [seqs[0], seqs[seqs.length - 1]]);
    }
  }
}
