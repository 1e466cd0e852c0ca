import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import net from "node:net";
import { createClient } from "redis";
import { startTestApp, TestApp } from "./helpers/app";
import { postIngest } from "./helpers/ingest";
import { cursorOf, EventClient, logSeqs, maxSeq, sleep, subscribeEvents } from "./helpers/events";
import { fixtureBytes, loadMutable } from "./fixtures/real-fixtures";

const REDIS = process.env.TEST_REDIS_URL;
const SERVER = process.env.TEST_DATABASE_URL;

/** A channel of this test run only: parallel runs on one Redis must not poke each other. */
const channel = () => `posturegraph-test:${process.pid}:${crypto.randomBytes(6).toString("hex")}`;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP proxy to Redis that can be cut (every connection reset, nothing accepted) and restored on the same port. */
class CuttableProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: URL) {}
  async listen(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(this.target.port || 6379), this.target.hostname);
      for (const s of [client, upstream]) { this.sockets.add(s); s.on("close", () => this.sockets.delete(s)); s.on("error", () => undefined); }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => server.listen(this.port, "127.0.0.1", r));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }
  async cut(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const sock of this.sockets) sock.destroy();
    await new Promise((r) => s ? s.close(r) : r(undefined));
  }
}

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const t = Date.now();
  while (!pred()) {
    if (Date.now() - t > ms) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

/** semgrep.sarif with its messages changed: a complete upload of the same category that UPDATEs every finding. */
function changedSemgrep(tag: string): Buffer {
  const doc = loadMutable("semgrep.sarif");
  for (const r of doc.runs[0].results) r.message.text = `${r.message.text} (${tag})`;
  return Buffer.from(JSON.stringify(doc));
}

async function uploadThrough(app: TestApp, repository: string, body: Buffer, category?: string): Promise<number> {
  const r = await postIngest(app, { repository, category }, body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.created + r.body.updated + r.body.fixed + r.body.reopened;
}

/** Waits for every expected sequence, then a little longer: nothing more may arrive. */
async function exactly(sub: EventClient, expected: bigint[], what: string): Promise<void> {
  await sub.until((e) => e.length >= expected.length, 15_000, what);
  await sleep(300);
  assert.deepEqual(sub.events.map((e) => e.seq), expected, `${what}: every event exactly once, in order`);
}

describe("findingEvents across two instances through Redis (REDIS_URL)", { skip: (!REDIS && "TEST_REDIS_URL is unset") || (!SERVER && "two instances need TEST_DATABASE_URL") }, () => {
  const ch = channel();
  const logs: string[] = [];
  const proxy = new CuttableProxy(new URL(REDIS ?? "redis://127.0.0.1:6379"));
  let a: TestApp;
  let b: TestApp;
  let spy: ReturnType<typeof createClient>;
  const published: string[] = [];
  before(async () => {
    await proxy.listen();
    spy = createClient({ url: REDIS });
    await spy.connect();
    await spy.subscribe(ch, (m) => published.push(m));
    // A polls once a minute: within a test only Redis can bring it B's commits. B reaches Redis through the proxy and polls fast.
    a = await startTestApp({ redisUrl: REDIS, redisChannel: ch }, { eventPollMs: 60_000 });
    b = await startTestApp({ redisUrl: `redis://127.0.0.1:${proxy.port}`, redisChannel: ch, logLevel: "info" },
      { shareSchemaOf: a, eventPollMs: 300, logDestination: { write: (l) => { logs.push(l); } } });
    await until(() => a.services.events.redisReady && b.services.events.redisReady, 10_000, "both instances are on Redis");
  });
  after(async () => { await b?.stop(); await a?.stop(); await spy?.close().catch(() => undefined); await proxy.cut(); });

  test("instead of LISTEN: a subscriber on one instance receives exactly once the events of an upload through the other; one PUBLISH per transaction", async () => {
    assert.equal(a.services.events.fanout, "redis");
    assert.equal(b.services.events.fanout, "redis");
    const start = await maxSeq(a);
    const onA = subscribeEvents(a.url, a.token, { after: cursorOf(start) });
    const liveOnA = subscribeEvents(a.url, a.token, {});
    await sleep(300);
    published.length = 0;
    const n = await uploadThrough(b, "redis/api", fixtureBytes("semgrep.sarif"));
    const expected = await logSeqs(a, start);
    assert.equal(expected.length, n);
    await exactly(onA, expected, "replaying subscriber on A");
    await exactly(liveOnA, expected, "live subscriber on A");
    // The poke, not the events: the highest sequence of each committed transaction, far fewer messages than events.
    await until(() => published.includes(expected[expected.length - 1].toString()), 5000, "B published its commit");
    assert.ok(published.length >= 1 && published.length < expected.length, `${published.length} publishes for ${expected.length} events`);
    assert.deepEqual([...published].sort((x, y) => Number(BigInt(x) - BigInt(y))), published, "increasing");
    await Promise.all([onA.dispose(), liveOnA.dispose()]);
  });

  test("Redis lost: a warning, events still delivered by poll; back: Redis carries them again", async () => {
    const start = await maxSeq(a);
    const onB = subscribeEvents(b.url, b.token, { after: cursorOf(start) });
    const onA = subscribeEvents(a.url, a.token, { after: cursorOf(start) });
    await sleep(300);
    await proxy.cut();
    await until(() => !b.services.events.redisReady, 10_000, "B noticed the outage");
    await uploadThrough(a, "redis/lost", fixtureBytes("semgrep.sarif"));
    let expected = await logSeqs(a, start);
    await exactly(onB, expected, "subscriber on B during the outage (poll)");
    assert.ok(logs.some((l) => /"level":40/.test(l) && /Redis event fan-out unavailable/.test(l)), "a warning was logged");
    const warnings = logs.filter((l) => /Redis event fan-out unavailable/.test(l)).length;
    await proxy.listen();
    await until(() => b.services.events.redisReady, 15_000, "B reconnected");
    assert.equal(logs.filter((l) => /Redis event fan-out unavailable/.test(l)).length, warnings, "one warning per outage, not per retry");
    // A still polls once a minute: only B's publish can bring these to A in time.
    await uploadThrough(b, "redis/lost", changedSemgrep("after the outage"));
    expected = await logSeqs(a, start);
    await exactly(onA, expected, "subscriber on A after B reconnected (Redis)");
    await exactly(onB, expected, "subscriber on B after it reconnected");
    await Promise.all([onA.dispose(), onB.dispose()]);
  });
});

describe("REDIS_URL unreachable", () => {
  let a: TestApp;
  let b: TestApp | undefined;
  const logs: string[] = [];
  before(async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const logDestination = { write: (l: string) => { logs.push(l); } };
    a = await startTestApp({ redisUrl: url, redisChannel: channel(), logLevel: "warn" }, { eventPollMs: 200, logDestination });
    // On a server, a second instance: its commits can reach the first only by poll.
    if (SERVER) b = await startTestApp({ redisUrl: url, redisChannel: channel() }, { shareSchemaOf: a, eventPollMs: 200 });
  });
  after(async () => { await b?.stop(); await a?.stop(); });

  test("the instance starts, warns, and delivers every event exactly once (by poll across instances)", async () => {
    assert.equal(a.services.events.fanout, "redis");
    assert.equal(a.services.events.redisReady, false);
    const start = await maxSeq(a);
    const sub = subscribeEvents(a.url, a.token, { after: cursorOf(start) });
    const live = subscribeEvents(a.url, a.token, {});
    await sleep(300);
    await uploadThrough(b ?? a, "unreachable/api", fixtureBytes("semgrep.sarif"));
    const expected = await logSeqs(a, start);
    assert.ok(expected.length > 0);
    await exactly(sub, expected, "replaying subscriber");
    await exactly(live, expected, "live subscriber");
    await until(() => logs.some((l) => /Redis event fan-out unavailable/.test(l)), 5000, "a warning");
    assert.equal((await a.fetch("/healthz")).status, 200);
    await Promise.all([sub.dispose(), live.dispose()]);
  });
});
