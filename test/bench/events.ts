/**
 * Event stream benchmark (not part of npm test):
 *   npm run build && node --expose-gc dist/test/bench/events.js            (embedded database)
 *   TEST_DATABASE_URL=postgres://… node --expose-gc dist/test/bench/events.js
 * Env: SUBSCRIBERS (1000), RATE (events/s, 10), DURATION (s, 20), CATCHUP (10000).
 * Profile the server: PROFILE=/tmp/events writes /tmp/events-deliver.cpuprofile and /tmp/events-catchup.cpuprofile
 * (the subscriber process is not profiled).
 *
 * The server runs in this process; the SUBSCRIBERS graphql-ws clients (one socket each, 10 different
 * filters) run in a forked process (test/bench/subscribers.ts), so client work does not compete with
 * the server. Latency = wall-clock receipt in the client process − wall-clock commit here, taken at the
 * in-process commit signal of each one-event transaction.
 * 1. Delivery latency at RATE events/s.
 * 2. A subscriber away for CATCHUP events resumes with its cursor: time until it has the newest event.
 * 3. Server memory per idle subscriber (heap + external + array buffers, after GC with --expose-gc).
 */
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import { startTestApp, TestApp } from "../helpers/app";
import { appendEvents, eventCommits, EventRow } from "../../src/events/outbox";
import { FindingEventType } from "../../src/common/types";
import { fixtureBytes } from "../fixtures/real-fixtures";
import { postIngest } from "../helpers/ingest";
import { cursorOf, maxSeq } from "../helpers/events";
import { BENCH_FILTERS, BENCH_QUERY, now, pct, SubscriberPool } from "./subscribers";

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const RATE = Number(process.env.RATE ?? 10);
const DURATION = Number(process.env.DURATION ?? 20);
const CATCHUP = Number(process.env.CATCHUP ?? 10_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const memory = () => { (global as { gc?: () => void }).gc?.(); const m = process.memoryUsage(); return m.heapUsed + m.external + m.arrayBuffers; };

/** Starts the CPU profiler when PROFILE is set; the returned function writes PROFILE-<name>.cpuprofile. */
async function profile(name: string): Promise<() => Promise<void>> {
  if (!process.env.PROFILE) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return async () => {
    const { profile: p } = await session.post("Profiler.stop");
    fs.writeFileSync(`${process.env.PROFILE}-${name}.cpuprofile`, JSON.stringify(p));
    session.disconnect();
  };
}

type FindingRef = { id: string; organization_id: string; repository_id: string };

/** `n` UPDATED events of random findings in ONE transaction (one commit signal, one NOTIFY). */
async function emitEvents(app: TestApp, findings: FindingRef[], n: number): Promise<void> {
  const rows: EventRow[] = [];
  for (let i = 0; i < n; i++) {
    const f = findings[Math.floor(Math.random() * findings.length)];
    rows.push({ findingId: f.id, organizationId: f.organization_id, repositoryId: f.repository_id, type: FindingEventType.UPDATED, payload: { bench: true } });
  }
  await app.db.dataSource.transaction((tx) => appendEvents(tx, rows, new Date()));
}

async function main(): Promise<void> {
  // The per-token request budget (600 a minute) would refuse most of 1,000 subscriptions of one token.
  const app = await startTestApp({ logLevel: "warn", rateLimit: { requestsPerMinute: 0, costPerMinute: 0, authFailuresPerMinute: 0 } });
  const ds = app.db.dataSource;
  const up = await postIngest(app, { repository: "bench/api" }, fixtureBytes("semgrep.sarif"));
  if (up.status !== 200) throw new Error(JSON.stringify(up.body));
  const findings: FindingRef[] = await ds.query(`SELECT id, organization_id, repository_id FROM finding`);
  const commitAt = new Map<string, number>();
  eventCommits(ds).on("commit", (max: string) => commitAt.set(max, now()));
  const emit = (n: number) => emitEvents(app, findings, n);

  memory(); await sleep(200);
  const base = memory();
  const t0 = performance.now();
  const pool = await SubscriberPool.start({ url: app.url, token: app.token, count: SUBSCRIBERS, query: BENCH_QUERY, variables: BENCH_FILTERS("bench/api").map((f) => ({ f })) });
  while (app.services.events.subscriberCount < SUBSCRIBERS) await sleep(50);
  const connectMs = performance.now() - t0;
  await sleep(1000);
  memory(); await sleep(200);
  const perSubscriber = (memory() - base) / SUBSCRIBERS;

  const stopProfile = await profile("deliver");
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  let sent = 0;
  while (performance.now() - t1 < DURATION * 1000) {
    const due = Math.floor(((performance.now() - t1) / 1000) * RATE);
    while (sent < due) { await emit(1); sent++; }
    await sleep(5);
  }
  await sleep(1500);
  const cpu = process.cpuUsage(cpu0);
  await stopProfile();
  const { receipts, errors, cpuMs } = await pool.receipts();
  const latencies = receipts.map((r) => r.at - (commitAt.get(r.seq) ?? NaN)).filter((x) => !Number.isNaN(x));
  console.log(`subscribers=${SUBSCRIBERS} (connected in ${(connectMs / 1000).toFixed(1)} s) rate=${RATE}/s events=${sent} deliveries=${latencies.length} errors=${errors.length}`);
  if (errors.length) console.log(`first error: ${errors[0]}`);
  console.log(`latency ms: p50=${pct(latencies, 50).toFixed(1)} p95=${pct(latencies, 95).toFixed(1)} p99=${pct(latencies, 99).toFixed(1)} max=${pct(latencies, 100).toFixed(1)}`);
  console.log(`server CPU while delivering: ${(((cpu.user + cpu.system) / 1000) / (DURATION * 1000 + 1500) * 100).toFixed(0)}% of a core; subscriber process: ${(cpuMs / (DURATION * 1000 + 1500) * 100).toFixed(0)}%`);
  console.log(`server memory per idle subscriber: ${(perSubscriber / 1024).toFixed(1)} KiB`);

  await pool.close();
  while (app.services.events.subscriberCount > 0) await sleep(50);

  // 2: away for CATCHUP events, then resume with the cursor (alone on the server).
  if (CATCHUP > 0) await catchUp(app, findings);
  await app.stop();
}

async function catchUp(app: TestApp, findings: FindingRef[]): Promise<void> {
  const awayFrom = await maxSeq(app);
  for (let i = 0; i < CATCHUP; i += 1000) await emitEvents(app, findings, Math.min(1000, CATCHUP - i));
  const newest = await maxSeq(app);
  const one = await SubscriberPool.start({ url: app.url, token: app.token, count: 0, query: BENCH_QUERY, variables: [{}] });
  const stopProfile = await profile("catchup");
  const cpu0 = process.cpuUsage();
  const c = await one.catchUp("subscription($a: String) { findingEvents(after: $a) { cursor type ocsf finding { id } } }", { a: cursorOf(awayFrom) }, newest.toString());
  const cpu = process.cpuUsage(cpu0);
  await stopProfile();
  console.log(`catch-up: ${c.events} events replayed, live after ${(c.at - c.startedAt).toFixed(0)} ms (server CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)`);
  await one.close();
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
