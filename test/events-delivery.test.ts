import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { startTestApp, TestApp } from "./helpers/app";
import { postIngest } from "./helpers/ingest";
import { logSeqs, maxSeq, Received, sleep, subscribeEvents } from "./helpers/events";
import { fixtureBytes } from "./fixtures/real-fixtures";
import { decodeEventCursor } from "../src/events";
import { toGlobalId } from "../src/common/ids";

// Shared rendering of findingEvents (src/http/ws-event-delivery.ts): what may be shared, what never is.

const FIELDS = "cursor type ocsf finding { id severity repository { fullName } organization { name } }";

async function upload(app: TestApp, repository: string, body: Buffer, category?: string): Promise<void> {
  const r = await postIngest(app, { repository, category }, body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function counter(app: TestApp, name: string): Promise<number> {
  const text = await (await app.fetch("/metrics")).text();
  return Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1] ?? 0);
}

/** Waits until the server holds exactly `n` open subscriptions (those of an earlier test gone) (so that none of them misses a live event). */
async function subscribed(app: TestApp, n: number): Promise<void> {
  for (let i = 0; i < 200 && app.services.events.subscriberCount !== n; i++) await sleep(25);
  assert.equal(app.services.events.subscriberCount, n);
  await sleep(100);
}

/** Each event is about the finding it names, in its own repository (no rendering of another event or token leaked in). */
function consistent(events: Received[]): void {
  for (const e of events) {
    assert.equal(e.ocsf.metadata.uid, e.cursor);
    assert.equal(toGlobalId("Finding", e.ocsf.finding_info.uid), e.finding.id);
    assert.equal(e.ocsf.resources[0].name, e.finding.repository.fullName);
    assert.equal(e.ocsf.unmapped.organization, e.finding.organization.name);
  }
}

describe("findingEvents: shared renderings", () => {
  let app: TestApp;
  let limited: string;
  let reader: string;
  let orgA: string;
  before(async () => {
    app = await startTestApp();
    await upload(app, "sharea/api", fixtureBytes("eslint.sarif"));
    await upload(app, "shareb/api", fixtureBytes("eslint.sarif"));
    const orgs = await app.gql(`{ organizations(first: 100) { nodes { id name } } }`);
    orgA = orgs.body.data.organizations.nodes.find((o: any) => o.name === "sharea").id;
    const token = async (name: string, organizations?: string[]) => (await app.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
      { i: { name, scopes: ["READ"], organizations } })).body.data.createApiToken.token as string;
    // Same scopes: only the organization limit tells them apart.
    reader = await token("reader");
    limited = await token("limited", [orgA]);
  });
  after(async () => { await app?.stop(); });

  test("one rendering per event for subscribers with the same selection and access; an organization-limited token gets its own and only its events", async () => {
    const start = await maxSeq(app);
    const all = subscribeEvents(app.url, reader, {}, FIELDS);
    const high = subscribeEvents(app.url, reader, { filter: { severity: ["HIGH", "CRITICAL"] } }, FIELDS);
    const other = subscribeEvents(app.url, reader, {}, "cursor finding { id }");
    const onlyA = subscribeEvents(app.url, limited, {}, FIELDS);
    await subscribed(app, 4);
    const before = await counter(app, "posturegraph_event_renderings_total");
    await upload(app, "shareb/api", fixtureBytes("semgrep.sarif"), "b1");
    await upload(app, "sharea/api", fixtureBytes("gitleaks.sarif"), "a1");
    await upload(app, "sharea/api", fixtureBytes("trivy-image.sarif"), "a2");
    const expected = await logSeqs(app, start);
    const [{ id: orgAUuid }] = await app.db.dataSource.query(`SELECT id FROM devops_organization WHERE name = 'sharea'`);
    const expectedA = await logSeqs(app, start, "AND organization_id = $2", [orgAUuid]);
    assert.ok(expectedA.length > 0 && expectedA.length < expected.length);
    await all.until((e) => e.length === expected.length);
    await other.until((e) => e.length === expected.length);
    await onlyA.until((e) => e.length === expectedA.length);
    await sleep(300);
    assert.deepEqual(all.events.map((e) => e.seq), expected);
    assert.deepEqual(onlyA.events.map((e) => e.seq), expectedA);
    assert.ok(onlyA.events.every((e) => e.finding.repository.fullName === "sharea/api" && e.finding.organization.name === "sharea"));
    const highSeqs = all.events.filter((e) => e.finding.severity === "HIGH" || e.finding.severity === "CRITICAL").map((e) => e.seq);
    assert.ok(highSeqs.length > 0);
    assert.deepEqual(high.events.map((e) => e.seq), highSeqs, "the filter still routes per subscriber");
    for (const s of [all, high, onlyA]) consistent(s.events);
    // all + high share (same document, same access; the filter only routes); other selection: its own; limited token: its own.
    assert.equal(await counter(app, "posturegraph_event_renderings_total") - before, expected.length * 2 + expectedA.length);
    await Promise.all([all.dispose(), high.dispose(), other.dispose(), onlyA.dispose()]);
  });

  test("variables that shape the selection are part of what is shared: @include(if:) differs, results differ", async () => {
    const start = await maxSeq(app);
    const query = "subscription($f: FindingFilter, $o: Boolean!) { findingEvents(filter: $f) { cursor ocsf @include(if: $o) } }";
    const got: Record<string, any[]> = { with: [], without: [] };
    const client = createClient({ url: app.url.replace(/^http/, "ws") + "/graphql", webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${app.token}` }, retryAttempts: 0 });
    for (const [k, o] of [["with", true], ["without", false]] as const) {
      client.subscribe({ query, variables: { f: {}, o } }, { next: (r: any) => got[k].push(r), error: (e) => got[k].push({ error: e }), complete: () => undefined });
    }
    await subscribed(app, 2);
    await upload(app, "sharea/api", fixtureBytes("eslint.sarif"), "inc");
    const expected = await logSeqs(app, start);
    for (let i = 0; i < 200 && (got.with.length < expected.length || got.without.length < expected.length); i++) await sleep(25);
    assert.deepEqual(got.with.map((r) => decodeEventCursor(r.data.findingEvents.cursor)), expected);
    assert.deepEqual(got.without.map((r) => decodeEventCursor(r.data.findingEvents.cursor)), expected);
    assert.ok(got.with.every((r) => r.data.findingEvents.ocsf?.metadata));
    assert.ok(got.without.every((r) => !("ocsf" in r.data.findingEvents)));
    await client.dispose();
  });

  test("completing one of two subscriptions on a socket stops only that one", async () => {
    const start = await maxSeq(app);
    const a: string[] = [], b: string[] = [];
    const client = createClient({ url: app.url.replace(/^http/, "ws") + "/graphql", webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${app.token}` }, retryAttempts: 0 });
    const query = "subscription { findingEvents { cursor } }";
    const stopA = client.subscribe({ query }, { next: (r: any) => a.push(r.data.findingEvents.cursor), error: () => undefined, complete: () => undefined });
    client.subscribe({ query }, { next: (r: any) => b.push(r.data.findingEvents.cursor), error: () => undefined, complete: () => undefined });
    await subscribed(app, 2);
    await upload(app, "sharea/api", fixtureBytes("semgrep.sarif"), "one");
    const first = await logSeqs(app, start);
    for (let i = 0; i < 200 && (a.length < first.length || b.length < first.length); i++) await sleep(25);
    assert.equal(a.length, first.length);
    stopA();
    for (let i = 0; i < 200 && app.services.events.subscriberCount > 1; i++) await sleep(25);
    assert.equal(app.services.events.subscriberCount, 1);
    await upload(app, "sharea/api", fixtureBytes("gitleaks.sarif"), "two");
    const both = await logSeqs(app, start);
    for (let i = 0; i < 200 && b.length < both.length; i++) await sleep(25);
    await sleep(200);
    assert.deepEqual(b.map((c) => decodeEventCursor(c)), both);
    assert.equal(a.length, first.length, "nothing after complete");
    await client.dispose();
  });
});
