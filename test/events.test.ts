import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { startTestApp, TestApp } from "./helpers/app";
import { postIngest } from "./helpers/ingest";
import { cursorOf, logSeqs, maxSeq, sleep, subscribeEvents } from "./helpers/events";
import { fixtureBytes, loadMutable } from "./fixtures/real-fixtures";
import { checkOcsfEvent, decodeEventCursor, deleteExpiredEvents, TOO_SLOW_CLOSE_CODE, TOO_SLOW_REASON } from "../src/events";

const SEMGREP = fixtureBytes("semgrep.sarif"); // 77 results

/** The semgrep log with no results: as a complete upload of its category, it fixes every open finding of it. */
function emptySemgrep(): Buffer {
  const doc = loadMutable("semgrep.sarif");
  for (const run of doc.runs) run.results = [];
  return Buffer.from(JSON.stringify(doc));
}

/** The semgrep log repeated `times` over distinct paths (77 × times results). */
function bigSemgrep(times: number): Buffer {
  const doc = loadMutable("semgrep.sarif");
  const base = doc.runs[0].results;
  const out: any[] = [];
  for (let i = 0; i < times; i++) {
    for (const r of base) {
      const c = JSON.parse(JSON.stringify(r));
      for (const k of Object.keys(c.fingerprints ?? {})) c.fingerprints[k] = `${c.fingerprints[k]}-${i}`;
      c.locations[0].physicalLocation.artifactLocation.uri = `copy${i}/${c.locations[0].physicalLocation.artifactLocation.uri}`;
      out.push(c);
    }
  }
  doc.runs[0].results = out;
  return Buffer.from(JSON.stringify(doc));
}

/** trivy-image with its two CVE rules made critical (security-severity 9.8). */
function criticalTrivy(): Buffer {
  const doc = loadMutable("trivy-image.sarif");
  for (const rule of doc.runs[0].tool.driver.rules) rule.properties["security-severity"] = "9.8";
  return Buffer.from(JSON.stringify(doc));
}

async function upload(app: TestApp, repository: string, body: Buffer, category?: string, token?: string): Promise<any> {
  const r = await postIngest(app, { repository, category }, body, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function orgId(app: TestApp, name: string): Promise<string> {
  const r = await app.gql(`{ organizations(first: 100) { nodes { id name } } }`);
  const org = r.body.data.organizations.nodes.find((o: any) => o.name === name);
  assert.ok(org, `organization ${name}`);
  return org.id;
}

async function createToken(app: TestApp, scopes: string[], organizations?: string[]): Promise<string> {
  const r = await app.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
    { i: { name: `t-${Math.random()}`, scopes, organizations } });
  assert.ok(r.body.data?.createApiToken, JSON.stringify(r.body));
  return r.body.data.createApiToken.token;
}

describe("findingEvents subscription and GET /events", () => {
  let app: TestApp;
  before(async () => { app = await startTestApp(); });
  after(async () => { await app?.stop(); });

  test("a subscriber cut off in the middle of a large ingestion resumes from its last cursor: every event exactly once, in order, OCSF-valid", async () => {
    const start = await maxSeq(app);
    const first = subscribeEvents(app.url, app.token, { after: cursorOf(start) });
    const uploads = (async () => {
      for (const c of ["c1", "c2", "c3", "c4", "c5", "c6"]) await upload(app, "bulk/api", SEMGREP, c);
      await upload(app, "bulk/api", emptySemgrep(), "c1"); // 77 FIXED
      await upload(app, "bulk/api", SEMGREP, "c1"); // 77 REOPENED
    })();
    await first.until((e) => e.length >= 100);
    await first.dispose();
    const before = [...first.events];
    const resumeAt = before[before.length - 1].cursor;
    await sleep(50);
    const second = subscribeEvents(app.url, app.token, { after: resumeAt });
    await uploads;
    const expected = await logSeqs(app, start);
    assert.ok(expected.length >= 6 * 77 + 2 * 77, `a large ingestion: ${expected.length} events`);
    const lastSeq = expected[expected.length - 1];
    await second.until((e) => e.length > 0 && e[e.length - 1].seq >= lastSeq, 30_000, "the last event");
    await sleep(200); // nothing more may come
    const received = [...before, ...second.events];
    assert.deepEqual(received.map((e) => e.seq), expected, "every event exactly once and in order");
    assert.ok(before.length < expected.length, "the first subscriber was cut off mid-way");
    const types = new Set(received.map((e) => e.type));
    assert.deepEqual([...types].sort(), ["CREATED", "FIXED", "REOPENED"]);
    for (const e of received) {
      assert.deepEqual(checkOcsfEvent(e.ocsf), [], `OCSF of ${e.type}`);
      assert.equal(e.ocsf.metadata.uid, e.cursor);
      assert.equal(e.ocsf.finding_info.uid.length, 36);
    }
    await second.dispose();
  });

  test("an unchanged re-upload emits no event", async () => {
    await upload(app, "quiet/api", SEMGREP);
    await sleep(300);
    const start = await maxSeq(app);
    const sub = subscribeEvents(app.url, app.token, {});
    await sleep(200);
    const again = await upload(app, "quiet/api", SEMGREP);
    assert.equal(again.unchanged, 77);
    await sleep(600);
    assert.equal(sub.events.length, 0);
    assert.equal(await maxSeq(app), start, "nothing appended to the log");
    await sub.dispose();
  });

  test("a severity filter delivers only those events (evaluated on the current finding)", async () => {
    const start = await maxSeq(app);
    const crit = subscribeEvents(app.url, app.token, { after: cursorOf(start), filter: { severity: ["CRITICAL"] } });
    const all = subscribeEvents(app.url, app.token, { after: cursorOf(start) });
    await upload(app, "sev/api", SEMGREP);
    await upload(app, "sev/api", criticalTrivy());
    const expected = await logSeqs(app, start);
    await all.until((e) => e.length === expected.length);
    const critical = all.events.filter((e) => e.finding.severity === "CRITICAL");
    assert.ok(critical.length > 0 && critical.length < expected.length);
    await crit.until((e) => e.length === critical.length);
    await sleep(200);
    assert.deepEqual(crit.events.map((e) => e.seq), critical.map((e) => e.seq));
    assert.ok(crit.events.every((e) => e.finding.severity === "CRITICAL" && e.ocsf.severity_id === 5));
    await Promise.all([crit.dispose(), all.dispose()]);
  });

  test("a token limited to one organization receives nothing of another's, live, replayed or polled", async () => {
    await upload(app, "tenanta/api", fixtureBytes("eslint.sarif"));
    await upload(app, "tenantb/api", fixtureBytes("eslint.sarif"));
    const orgA = await orgId(app, "tenanta");
    const limited = await createToken(app, ["READ"], [orgA]);
    const start = await maxSeq(app);
    const live = subscribeEvents(app.url, limited, {});
    const replay = subscribeEvents(app.url, limited, { after: cursorOf(start) });
    await sleep(200);
    await upload(app, "tenantb/api", SEMGREP, "b1");
    await upload(app, "tenanta/api", fixtureBytes("gitleaks.sarif"), "a1");
    const [{ id: orgAUuid }] = await app.db.dataSource.query(`SELECT id FROM devops_organization WHERE name = 'tenanta'`);
    const expected = await logSeqs(app, start, "AND organization_id = $2", [orgAUuid]);
    assert.ok(expected.length > 0);
    await live.until((e) => e.length === expected.length);
    await replay.until((e) => e.length === expected.length);
    await sleep(300);
    for (const s of [live, replay]) {
      assert.deepEqual(s.events.map((e) => e.seq), expected);
      assert.ok(s.events.every((e) => e.finding.repository.fullName === "tenanta/api"));
    }
    const res = await app.fetch(`/events?after=${cursorOf(start)}&limit=1000`, { token: limited });
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => decodeEventCursor(l.cursor)), expected);
    await Promise.all([live.dispose(), replay.dispose()]);
  });

  test("a bad token is closed (4403) before any event; a token without READ gets FORBIDDEN", async () => {
    const bad = subscribeEvents(app.url, "pgr_not-a-token", {});
    const closed = await bad.closed;
    assert.equal(closed.code, 4403);
    const ingestOnly = await createToken(app, ["INGEST"]);
    const noRead = subscribeEvents(app.url, ingestOnly, {});
    await noRead.until(() => noRead.errors.length > 0, 5000, "an error");
    assert.equal(noRead.errors[0].extensions?.code, "FORBIDDEN");
    await upload(app, "auth/api", fixtureBytes("eslint.sarif"));
    await sleep(300);
    assert.equal(bad.events.length + noRead.events.length, 0);
    await Promise.all([bad.dispose(), noRead.dispose()]);
  });

  test("GET /events pages the log as NDJSON with X-Next-Cursor; bad limit 400; no token 401", async () => {
    const start = await maxSeq(app);
    await upload(app, "poll/api", SEMGREP);
    const expected = await logSeqs(app, start);
    const got: bigint[] = [];
    let cursor = cursorOf(start);
    for (let i = 0; i < 10; i++) {
      const res = await app.fetch(`/events?after=${cursor}&limit=30`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /application\/x-ndjson/);
      const text = await res.text();
      const lines = text ? text.trim().split("\n").map((l) => JSON.parse(l)) : [];
      assert.ok(lines.length <= 30);
      for (const l of lines) {
        assert.deepEqual(Object.keys(l).sort(), ["cursor", "findingId", "occurredAt", "ocsf", "type"]);
        assert.deepEqual(checkOcsfEvent(l.ocsf), []);
        got.push(decodeEventCursor(l.cursor));
      }
      cursor = res.headers.get("x-next-cursor")!;
      if (!lines.length) break;
    }
    assert.deepEqual(got, expected);
    assert.equal((await app.fetch(`/events?limit=1001`)).status, 400);
    assert.equal((await app.fetch(`/events?after=nonsense`)).status, 400);
    assert.equal((await app.fetch(`/events`, { token: null })).status, 401);
    const first = await app.fetch(`/events?limit=1`);
    assert.equal((await first.text()).trim().split("\n").length, 1);
  });

  test("a cursor older than the retention window is an error naming it, never a silent gap", async () => {
    await upload(app, "old/api", fixtureBytes("eslint.sarif"));
    const oldCursor = cursorOf((await logSeqs(app, 0n))[0]);
    // Everything is past the window but the newest event.
    const { deleted } = await deleteExpiredEvents(app.db.dataSource, 30, new Date(Date.now() + 365 * 86_400_000));
    assert.ok(deleted > 0);
    const sub = subscribeEvents(app.url, app.token, { after: oldCursor });
    await sub.until(() => sub.errors.length > 0, 5000, "an error");
    assert.equal(sub.errors[0].extensions?.code, "BAD_USER_INPUT");
    assert.match(sub.errors[0].message, /retention window \(EVENT_RETENTION_DAYS = 30 days\)/);
    assert.equal(sub.events.length, 0);
    const res = await app.fetch(`/events?after=${oldCursor}`);
    assert.equal(res.status, 400);
    const body = await res.json() as any;
    assert.equal(body.error.code, "BAD_USER_INPUT");
    assert.match(body.error.message, /retention/);
    // The newest event's cursor still works.
    const newest = cursorOf(await maxSeq(app));
    assert.equal((await app.fetch(`/events?after=${newest}`)).status, 200);
    await sub.dispose();
  });
});

describe("slow subscribers", () => {
  let app: TestApp;
  before(async () => { app = await startTestApp({ eventSubscriberBuffer: 100 }); });
  after(async () => { await app?.stop(); });

  test("a subscriber that stops reading is closed with a clear reason; others get every event", async () => {
    const start = await maxSeq(app);
    const dropped = async () => Number(/^posturegraph_event_subscribers_dropped_total (\d+)/m.exec(await (await app.fetch("/metrics")).text())?.[1] ?? 0);
    const droppedBefore = await dropped();
    const ws = new WebSocket(app.url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
    const messages: any[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on("close", (code, reason) => r({ code, reason: reason.toString() })));
    await new Promise<void>((resolve, reject) => {
      ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${app.token}` } })));
      ws.on("message", (data) => {
        const m = JSON.parse(data.toString());
        messages.push(m);
        if (m.type === "connection_ack") {
          ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription { findingEvents { cursor type ocsf finding { id title message snippet } } }" } }));
          resolve();
        }
      });
      ws.on("error", reject);
    });
    await sleep(200);
    ws.pause(); // never reads again (until the end)
    const healthy = subscribeEvents(app.url, app.token, { after: cursorOf(start) }, "cursor");
    // Enough to fill the loopback socket buffers (several MB) before the server-side queue fills.
    const big = bigSemgrep(10);
    for (let i = 0; i < 8; i++) await upload(app, "slow/api", i % 2 ? emptySemgrep() : big);
    const expected = await logSeqs(app, start);
    // Resume reading as soon as the server gave up on it (it waits 30 s for the close handshake, then cuts the socket).
    for (let i = 0; i < 600 && app.services.events.subscriberCount > 1; i++) await sleep(100);
    ws.resume();
    const c = await Promise.race([closed, sleep(20_000).then(() => null)]);
    assert.ok(c, "the slow socket was closed");
    assert.equal(await dropped(), droppedBefore + 1, "closed because its queue overflowed");
    // 1006 only when graphql-ws's keep-alive (12 s ping) cut the stuck socket before our close frame got through (a loaded machine).
    if (c.code !== 1006) {
      assert.equal(c.code, TOO_SLOW_CLOSE_CODE);
      assert.equal(c.reason, TOO_SLOW_REASON);
    }
    const delivered = messages.filter((m) => m.type === "next").length;
    assert.ok(delivered < expected.length, `the slow subscriber did not get everything (${delivered} of ${expected.length})`);
    assert.equal(app.services.events.subscriberCount, 1, "only the healthy subscriber is left");
    await healthy.until((e) => e.length === expected.length, 90_000);
    assert.deepEqual(healthy.events.map((e) => e.seq), expected);
    await healthy.dispose();
  });
});
