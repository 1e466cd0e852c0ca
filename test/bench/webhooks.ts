/**
 * Webhook delivery benchmark (not part of npm test):
 *   npm run build && node dist/test/bench/webhooks.js                  (embedded database)
 *   TEST_DATABASE_URL=postgres://… node dist/test/bench/webhooks.js
 * Env: EVENTS (≈10,000: one SARIF upload of the semgrep log repeated), RECEIVERS (10).
 *
 * RECEIVERS webhooks, each to its own HTTP receiver on 127.0.0.1 (in this process), all events;
 * one upload through POST /ingest/sarif writes EVENTS CREATED events. Measures the time from the
 * upload's answer until every receiver has every event (deliveries/s = EVENTS × RECEIVERS / time),
 * and checks that no event is missing or delivered twice (by webhook-id) and that every signature verifies.
 */
import { startTestApp } from "../helpers/app";
import { postIngest } from "../helpers/ingest";
import { logSeqs, maxSeq } from "../helpers/events";
import { createWebhook, deliveries, independentVerify, Receiver, startReceiver } from "../helpers/webhooks";
import { loadMutable } from "../fixtures/real-fixtures";
import { decodeEventCursor } from "../../src/events";

const EVENTS = Number(process.env.EVENTS ?? 10_000);
const RECEIVERS = Number(process.env.RECEIVERS ?? 10);

function bigSemgrep(results: number): Buffer {
  const doc = loadMutable("semgrep.sarif");
  const base = doc.runs[0].results;
  const out: any[] = [];
  for (let i = 0; out.length < results; i++) {
    for (const r of base) {
      if (out.length >= results) break;
      const c = JSON.parse(JSON.stringify(r));
      for (const k of Object.keys(c.fingerprints ?? {})) c.fingerprints[k] = `${c.fingerprints[k]}-${i}`;
      c.locations[0].physicalLocation.artifactLocation.uri = `copy${i}/${c.locations[0].physicalLocation.artifactLocation.uri}`;
      out.push(c);
    }
  }
  doc.runs[0].results = out;
  return Buffer.from(JSON.stringify(doc));
}

async function main(): Promise<void> {
  const app = await startTestApp({ webhookAllowPrivate: true, webhookRetrySchedule: [1, 5, 30] });
  const receivers: Receiver[] = [];
  try {
    const hooks: { id: string; secret: string }[] = [];
    for (let i = 0; i < RECEIVERS; i++) {
      const rx = await startReceiver();
      receivers.push(rx);
      const h = await createWebhook(app, { url: rx.url, description: `bench ${i}` });
      if (!h.id) throw new Error(JSON.stringify(h.body));
      hooks.push(h);
    }
    const from = await maxSeq(app);
    const body = bigSemgrep(EVENTS);
    const t0 = Date.now();
    const r = await postIngest(app, { repository: "bench/webhooks" }, body);
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    const t1 = Date.now();
    const seqs = await logSeqs(app, from);
    const total = seqs.length * RECEIVERS;
    let last = 0, lastAt = Date.now();
    for (;;) {
      const got = receivers.reduce((n, rx) => n + rx.hits.length, 0);
      if (got >= total) break;
      if (got !== last) { last = got; lastAt = Date.now(); }
      if (Date.now() - lastAt > 30_000) throw new Error(`stalled at ${got}/${total}`);
      await new Promise((res) => setTimeout(res, 20));
    }
    const t2 = Date.now();
    const secs = (t2 - t1) / 1000;
    // Checks: every event exactly once per receiver, one webhook-id each, valid signatures.
    const want = seqs.map(String).join(",");
    let bad = 0;
    receivers.forEach((rx, i) => {
      const ids = new Set(rx.hits.map((h) => h.id));
      const got = rx.hits.map((h) => decodeEventCursor(h.json.cursor)).sort((a, b) => (a < b ? -1 : 1)).map(String).join(",");
      if (ids.size !== rx.hits.length || got !== want) { bad++; console.error(`receiver ${i}: ${rx.hits.length} requests, ${ids.size} ids, events ${got === want ? "complete" : "DIFFER"}`); }
      if (!rx.hits.every((h) => independentVerify(hooks[i].secret, h))) { bad++; console.error(`receiver ${i}: a signature does not verify`); }
    });
    await new Promise((res) => setTimeout(res, 500));
    const recorded = await deliveries(app, hooks[0].id, 100);
    console.log(JSON.stringify({
      database: process.env.TEST_DATABASE_URL ? "server" : "embedded",
      events: seqs.length, receivers: RECEIVERS, deliveries: total,
      uploadSeconds: (t1 - t0) / 1000, deliverySeconds: secs, deliveriesPerSecond: Math.round(total / secs),
      missingOrDuplicated: bad, sampleRecordedSucceeded: recorded.every((d) => d.status === "SUCCEEDED"),
    }, null, 2));
    if (bad) process.exitCode = 1;
  } finally {
    await app.stop();
    for (const rx of receivers) await rx.close();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
