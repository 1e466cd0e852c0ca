import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { postIngest } from "./helpers/ingest";
import { cursorOf, logSeqs, maxSeq, sleep, subscribeEvents } from "./helpers/events";
import { fixtureBytes } from "./fixtures/real-fixtures";

// Two servers on one PostgreSQL database: only possible with a server (the embedded database belongs to one process).
describe("findingEvents across two server instances (PostgreSQL LISTEN)", { skip: !process.env.TEST_DATABASE_URL && "TEST_DATABASE_URL is unset" }, () => {
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    // No poll fallback to speak of: only the NOTIFY of the other instance's commit can deliver in time.
    a = await startTestApp({}, { eventPollMs: 60_000 });
    b = await startTestApp({}, { shareSchemaOf: a, eventPollMs: 60_000 });
  });
  after(async () => { await b?.stop(); await a?.stop(); });

  test("a subscriber on one instance receives exactly once the events of an upload made through the other", async () => {
    const start = await maxSeq(a);
    const live = subscribeEvents(a.url, a.token, {});
    const onB = subscribeEvents(b.url, b.token, { after: cursorOf(start) });
    await sleep(300);
    const r1 = await postIngest(b, { repository: "multi/api" }, fixtureBytes("semgrep.sarif"));
    assert.equal(r1.status, 200);
    const r2 = await postIngest(a, { repository: "multi/api", category: "other" }, fixtureBytes("gitleaks.sarif"));
    assert.equal(r2.status, 200);
    const expected = await logSeqs(a, start);
    assert.equal(expected.length, r1.body.created + r2.body.created);
    await live.until((e) => e.length === expected.length, 10_000);
    await onB.until((e) => e.length === expected.length, 10_000);
    await sleep(500);
    assert.deepEqual(live.events.map((e) => e.seq), expected);
    assert.deepEqual(onB.events.map((e) => e.seq), expected);
    await Promise.all([live.dispose(), onB.dispose()]);
  });
});
