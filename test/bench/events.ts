/**
 * Event stream benchmark (not part of npm test):
 *   npm run build && node dist/test/bench/events.js            (embedded database)
 *   TEST_DATABASE_URL=postgres://… node dist/test/bench/events.js
 * Env: SUBSCRIBERS (1000), RATE (events/s, 10), DURATION (s, 20), CATCHUP (10000).
 *
 * 1. SUBSCRIBERS graphql-ws clients (one socket each) with varied filters; events committed at RATE/s,
 *    each in its own transaction; delivery latency = client receipt − commit (same clock).
 * 2. A subscriber away for CATCHUP events resumes with its cursor: time until it is live (has the newest event).
 * 3. Server memory per idle subscriber (heap + external, after GC when --expose-gc).
 */
import { createClient, Client } from "graphql-ws";
import WebSocket from "ws";
import { startTestApp, TestApp } from "../helpers/app";
import { appendEvents, EventRow } from "../../src/services/event-log";
import { FindingEventType } from "../../src/common/types";
import { fixtureBytes } from "../../src/connectors/sarif/fixtures";
import { postIngest } from "../helpers/ingest";
import { cursorOf, maxSeq } from "../helpers/events";

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const RATE = Number(process.env.RATE ?? 10);
const DURATION = Number(process.env.DURATION ?? 20);
const CATCHUP = Number(process.env.CATCHUP ?? 10_000);

const FILTERS = [
  {}, { severity: ["HIGH", "CRITICAL"] }, { severity: ["MEDIUM"] }, { category: ["CODE"] }, { state: ["OPEN"] },
  { minScore: 10 }, { repository: ["bench/api"] }, { priorityLevel: ["P2", "P3", "P4"] }, { owner: [""] }, { internetExposed: false },
];

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN; };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const memory = () => { (global as { gc?: () => void }).gc?.(); const m = process.memoryUsage(); return m.heapUsed + m.external + m.arrayBuffers; };

function client(app: TestApp): Client {
  return createClient({ url: app.url.replace(/^http/, "ws") + "/graphql", webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${app.token}` }, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
}

async function main(): Promise<void> {
  const app = await startTestApp({ logLevel: "warn" });
  const ds = app.db.dataSource;
  const up = await postIngest(app, { repository: "bench/api" }, fixtureBytes("semgrep.sarif"));
  if (up.status !== 200) throw new Error(JSON.stringify(up.body));
  const findings: { id: string; organization_id: string; repository_id: string }[] = await ds.query(`SELECT id, organization_id, repository_id FROM finding`);
  const commitAt = new Map<string, number>();
  const emit = async (n: number) => {
    const rows: EventRow[] = [];
    for (let i = 0; i < n; i++) {
      const f = findings[Math.floor(Math.random() * findings.length)];
      rows.push({ findingId: f.id, organizationId: f.organization_id, repositoryId: f.repository_id, type: FindingEventType.UPDATED, payload: { bench: true } });
    }
    await ds.transaction((tx) => appendEvents(tx, rows, new Date()));
    const max = (await maxSeq(app)).toString();
    commitAt.set(max, performance.now());
    return max;
  };

  // 3 (baseline) and 1: connect the subscribers.
  memory(); await sleep(200);
  const base = memory();
  const latencies: number[] = [];
  const clients: Client[] = [];
  const query = "subscription($f: FindingFilter) { findingEvents(filter: $f) { cursor type ocsf finding { id severity } } }";
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const c = client(app);
    clients.push(c);
    c.subscribe({ query, variables: { f: FILTERS[i % FILTERS.length] } }, {
      next: (r: any) => {
        const cur = r.data?.findingEvents?.cursor;
        if (!cur) return;
        const seq = Buffer.from(cur, "base64url").toString().split(":")[1];
        const t = commitAt.get(seq);
        if (t !== undefined) latencies.push(performance.now() - t);
      },
      error: () => undefined, complete: () => undefined,
    });
    if (i % 100 === 99) await sleep(20);
  }
  while (app.services.events.subscriberCount < SUBSCRIBERS) await sleep(50);
  await sleep(1000);
  memory(); await sleep(200);
  const idle = memory();
  // Server and clients share this process: the client side of a socket is measured by a client-only run (CLIENT_ONLY below); report the total.
  const perSubscriber = (idle - base) / SUBSCRIBERS;

  const t0 = performance.now();
  let sent = 0;
  while (performance.now() - t0 < DURATION * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
    while (sent < due) { await emit(1); sent++; }
    await sleep(5);
  }
  await sleep(1500);
  console.log(`subscribers=${SUBSCRIBERS} rate=${RATE}/s events=${sent} deliveries=${latencies.length}`);
  console.log(`latency ms: p50=${pct(latencies, 50).toFixed(1)} p99=${pct(latencies, 99).toFixed(1)} max=${pct(latencies, 100).toFixed(1)}`);
  console.log(`memory per idle subscriber (server + its client socket, same process): ${(perSubscriber / 1024).toFixed(1)} KiB`);
  await Promise.all(clients.map((c) => c.dispose()));
  while (app.services.events.subscriberCount > 0) await sleep(50);

  // 2: away for CATCHUP events, then resume with the cursor.
  const awayFrom = await maxSeq(app);
  for (let i = 0; i < CATCHUP; i += 1000) await emit(Math.min(1000, CATCHUP - i));
  const newest = await maxSeq(app);
  const c = client(app);
  const t1 = performance.now();
  let got = 0;
  let live = 0;
  await new Promise<void>((resolve) => {
    c.subscribe({ query: "subscription($a: String) { findingEvents(after: $a) { cursor type ocsf finding { id } } }", variables: { a: cursorOf(awayFrom) } }, {
      next: (r: any) => {
        got++;
        const seq = BigInt(Buffer.from(r.data.findingEvents.cursor, "base64url").toString().split(":")[1]);
        if (seq >= newest && !live) { live = performance.now() - t1; resolve(); }
      },
      error: (e) => { console.error(e); resolve(); }, complete: () => undefined,
    });
  });
  console.log(`catch-up: ${got} events replayed, live after ${live.toFixed(0)} ms`);
  await c.dispose();
  await app.stop();
}

main().catch((err) => { console.error(err); process.exit(1); });
