import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { postIngest } from "./helpers/ingest";
import { cursorOf, logSeqs, maxSeq } from "./helpers/events";
import { createWebhook, deliveries, independentVerify, Receiver, startReceiver, waitFor } from "./helpers/webhooks";
import { fixtureBytes, loadMutable } from "./fixtures/real-fixtures";
import { decodeEventCursor } from "../src/events";

const SEMGREP = fixtureBytes("semgrep.sarif"); // 77 results

function emptySemgrep(): Buffer {
  const doc = loadMutable("semgrep.sarif");
  for (const run of doc.runs) run.results = [];
  return Buffer.from(JSON.stringify(doc));
}

async function upload(app: TestApp, repository: string, body: Buffer): Promise<void> {
  const r = await postIngest(app, { repository }, body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

/** Requests grouped by webhook-id. */
function byId(hits: Receiver["hits"]): Map<string, Receiver["hits"]> {
  const m = new Map<string, Receiver["hits"]>();
  for (const h of hits) m.set(h.id, [...(m.get(h.id) ?? []), h]);
  return m;
}

const succeeded = (hits: Receiver["hits"]) => hits.filter((h) => h.status >= 200 && h.status < 300);

describe("webhooks", () => {
  let app: TestApp;
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => { const r = await startReceiver(...args); receivers.push(r); return r; };

  before(async () => {
    app = await startTestApp({ webhookAllowPrivate: true, webhookRetrySchedule: [1, 1, 1], webhookTimeoutMs: 400 });
  });
  after(async () => {
    await app?.stop();
    for (const r of receivers) await r.close();
  });

  test("a receiver failing twice then succeeding gets each event once, one stable webhook-id per event, validly signed", async () => {
    const rx = await receiver((n) => ({ status: n <= 2 ? 500 : 204 }));
    const from = await maxSeq(app);
    const hook = await createWebhook(app, { url: rx.url, description: "flaky", events: ["CREATED"] });
    assert.ok(hook.id, JSON.stringify(hook.body));
    assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    await upload(app, "acme/flaky", SEMGREP);
    const seqs = await logSeqs(app, from);
    assert.equal(seqs.length, 77);
    await rx.until((h) => succeeded(h).length >= 77, 30_000, "77 successful deliveries");
    await new Promise((r) => setTimeout(r, 300));
    const groups = byId(rx.hits);
    assert.equal(groups.size, 77, "one webhook-id per event");
    for (const [, hits] of groups) {
      assert.deepEqual(hits.map((h) => h.status), [500, 500, 204], "three attempts, the last one succeeded");
      assert.equal(new Set(hits.map((h) => h.json.cursor)).size, 1, "the same event on every attempt");
      for (const h of hits) assert.ok(independentVerify(hook.secret, h), "a valid v1 signature");
      assert.ok(Math.abs(Number(hits[0].timestamp) - Date.now() / 1000) < 60);
    }
    const delivered = succeeded(rx.hits).map((h) => decodeEventCursor(h.json.cursor)).sort((a, b) => (a < b ? -1 : 1));
    assert.deepEqual(delivered, seqs, "every event exactly once");
    // The body is the event as findingEvents delivers it.
    const body = rx.hits[0].json;
    assert.equal(body.type, "CREATED");
    assert.equal(body.finding.repository.fullName, "acme/flaky");
    for (const k of ["id", "title", "severity", "state", "category", "ruleId", "tool", "location", "priority"]) assert.ok(k in body.finding, k);
    assert.equal(typeof body.finding.priority.score, "number");
    assert.equal(body.ocsf.class_uid !== undefined || body.ocsf.metadata !== undefined, true);
    // webhookDeliveries: attempts, status codes, newest first.
    const list = await waitFor(() => deliveries(app, hook.id), (l) => l.length === 77 && l.every((d) => d.status === "SUCCEEDED"), 10_000, "recorded outcomes");
    for (const d of list) { assert.equal(d.attempts, 3); assert.equal(d.responseStatus, 204); assert.equal(d.nextAttemptAt, null); assert.ok(d.lastAttemptAt); }
    const listed = list.map((d) => decodeEventCursor(d.eventCursor));
    assert.deepEqual(listed, [...seqs].reverse(), "newest event first");
    assert.deepEqual(new Set(list.map((d) => d.id)), new Set(groups.keys()), "the webhook-id is the delivery's id");
    // Keyset pages.
    const p1 = await app.gql(`query($w: ID!) { webhookDeliveries(webhook: $w, first: 50) { pageInfo { hasNextPage endCursor } nodes { id } } }`, { w: hook.id });
    const p2 = await app.gql(`query($w: ID!, $a: String) { webhookDeliveries(webhook: $w, first: 50, after: $a) { pageInfo { hasNextPage } nodes { id } } }`, { w: hook.id, a: p1.body.data.webhookDeliveries.pageInfo.endCursor });
    assert.equal(p1.body.data.webhookDeliveries.pageInfo.hasNextPage, true);
    assert.equal(p2.body.data.webhookDeliveries.nodes.length, 27);
    assert.equal(p2.body.data.webhookDeliveries.pageInfo.hasNextPage, false);
    await app.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: hook.id });
  });

  test("a receiver that times out is retried; the failure is recorded", async () => {
    const rx = await receiver((n) => (n === 1 ? { status: 200, delayMs: 1500 } : { status: 200 }));
    const hook = await createWebhook(app, { url: rx.url, events: ["FIXED"], filter: { repository: ["acme/flaky"] } });
    await upload(app, "acme/flaky", emptySemgrep()); // 77 FIXED
    await rx.until((h) => new Set(h.filter((x) => x.at).map((x) => x.id)).size === 77 && byId(h).size === 77 && [...byId(h).values()].every((l) => l.length >= 2), 30_000, "retries after timeouts");
    const list = await waitFor(() => deliveries(app, hook.id), (l) => l.length === 77 && l.every((d) => d.status === "SUCCEEDED"), 10_000, "successes");
    assert.ok(list.every((d) => d.attempts === 2 && d.responseStatus === 200));
    await app.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: hook.id });
  });

  test("event types and filters choose what is delivered; redeliverWebhook sends again with the same webhook-id", async () => {
    const fixedOnly = await receiver();
    const webOnly = await receiver();
    const h1 = await createWebhook(app, { url: fixedOnly.url, events: ["FIXED"] });
    const h2 = await createWebhook(app, { url: webOnly.url, filter: { repository: ["acme/web"] } });
    await upload(app, "acme/api", SEMGREP);
    await upload(app, "acme/web", SEMGREP);
    await upload(app, "acme/api", emptySemgrep());
    await fixedOnly.until((h) => h.length >= 77, 20_000, "FIXED events");
    await webOnly.until((h) => h.length >= 77, 20_000, "acme/web events");
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(fixedOnly.hits.length, 77);
    assert.ok(fixedOnly.hits.every((h) => h.json.type === "FIXED" && h.json.finding.repository.fullName === "acme/api" && h.json.finding.state === "FIXED"));
    assert.equal(webOnly.hits.length, 77);
    assert.ok(webOnly.hits.every((h) => h.json.type === "CREATED" && h.json.finding.repository.fullName === "acme/web"));

    const [latest] = await deliveries(app, h1.id, 1);
    const r = await app.gql(`mutation($d: ID!) { redeliverWebhook(delivery: $d) { id status attempts } }`, { d: latest.id });
    assert.equal(r.body.data.redeliverWebhook.status, "PENDING");
    await fixedOnly.until((h) => h.length === 78, 10_000, "the redelivery");
    assert.equal(fixedOnly.hits[77].id, latest.id);
    assert.equal(fixedOnly.hits.filter((h) => h.id === latest.id).length, 2);
    assert.ok(independentVerify(h1.secret, fixedOnly.hits[77]));
    for (const h of [h1, h2]) await app.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: h.id });
  });

  test("410 Gone disables the webhook; nothing more is queued for it", async () => {
    const rx = await receiver(() => ({ status: 410 }));
    const hook = await createWebhook(app, { url: rx.url, filter: { repository: ["acme/gone"] } });
    await upload(app, "acme/gone", SEMGREP);
    const listed = await waitFor(() => app.gql(`{ webhooks(first: 50) { nodes { id enabled disabledReason } } }`),
      (r) => r.body.data.webhooks.nodes.some((w: any) => w.id === hook.id && !w.enabled), 20_000, "disabled");
    const w = listed.body.data.webhooks.nodes.find((x: any) => x.id === hook.id);
    assert.match(w.disabledReason, /410/);
    await new Promise((r) => setTimeout(r, 500));
    const before = rx.hits.length;
    // Requests already in flight when the first 410 came back (at most 4 per webhook) still arrive.
    assert.ok(before >= 1 && before <= 8, `stopped after the first answers (${before})`);
    const list = await deliveries(app, hook.id);
    const failed = list.filter((d) => d.status === "FAILED");
    assert.ok(failed.length >= 1 && failed.every((d) => d.responseStatus === 410 && d.attempts === 1));
    await upload(app, "acme/gone", emptySemgrep());
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(rx.hits.length, before, "a disabled webhook gets nothing");
    // Re-enabling clears the reason and sends what was queued.
    rx.setBehaviour(() => ({ status: 200 }));
    const u = await app.gql(`mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { secret webhook { enabled disabledReason } } }`, { i: { id: hook.id, enabled: true } });
    assert.deepEqual(u.body.data.updateWebhook, { secret: null, webhook: { enabled: true, disabledReason: null } });
    await rx.until((h) => h.filter((x) => x.status === 200).length >= 77 + 77 - failed.length, 20_000, "queued events after re-enabling");
    await app.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: hook.id });
  });

  test("replay from a cursor delivers the history after it; a rotated secret signs beside the old one", async () => {
    const all = await logSeqs(app, 0n);
    const start = all[all.length - 100];
    const rx = await receiver();
    const hook = await createWebhook(app, { url: rx.url, after: cursorOf(start) });
    await rx.until((h) => h.length >= 99, 20_000, "the replayed history");
    await new Promise((r) => setTimeout(r, 500));
    const got = rx.hits.map((h) => decodeEventCursor(h.json.cursor)).sort((a, b) => (a < b ? -1 : 1));
    assert.deepEqual(got, all.filter((s) => s > start));
    assert.ok(rx.hits.every((h) => independentVerify(hook.secret, h)));

    const rot = await app.gql(`mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { secret webhook { id } } }`, { i: { id: hook.id, rotateSecret: true } });
    const next = rot.body.data.updateWebhook.secret;
    assert.match(next, /^whsec_/);
    assert.notEqual(next, hook.secret);
    const [latest] = await deliveries(app, hook.id, 1);
    await app.gql(`mutation($d: ID!) { redeliverWebhook(delivery: $d) { id } }`, { d: latest.id });
    await rx.until((h) => h.length === 100, 10_000, "the redelivery");
    const last = rx.hits[99];
    assert.equal(last.signature.split(" ").length, 2, "two signatures during the rotation");
    assert.ok(independentVerify(next, last) && independentVerify(hook.secret, last));
    // The secret is never readable afterwards.
    const r = await app.gql(`{ webhooks(first: 10) { nodes { secret } } }`);
    assert.equal(r.body.data, undefined);
    assert.match(r.body.errors[0].message, /Cannot query field "secret"/);
    await app.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: hook.id });
  });

  test("webhooks are for admins; bad input is BAD_USER_INPUT; admin mutations are audited", async () => {
    const t = await app.gql(`mutation { createApiToken(input: {name: "reader", scopes: [READ, WRITE, INGEST]}) { token } }`);
    const reader = t.body.data.createApiToken.token;
    const denied = await createWebhook(app, { url: "http://127.0.0.1:9/x" }, reader);
    assert.equal(denied.body.errors[0].extensions.code, "FORBIDDEN");
    const list = await app.gql(`{ webhooks(first: 5) { nodes { id } } }`, {}, reader);
    assert.equal(list.body.errors[0].extensions.code, "FORBIDDEN");
    for (const input of [{ url: "ftp://example.com/" }, { url: "not a url" }, { url: "http://127.0.0.1:9/", after: "garbage" }]) {
      const r = await createWebhook(app, input);
      assert.equal(r.body.errors?.[0]?.extensions.code, "BAD_USER_INPUT", JSON.stringify(input));
    }
    const fieldsOf = (r: any): string[] => (r.body.data?.auditLog?.nodes ?? []).flatMap((n: any) => n.fields);
    await waitFor(() => app.gql(`{ auditLog(first: 100) { nodes { fields result } } }`),
      (r) => ["createWebhook", "deleteWebhook", "updateWebhook", "redeliverWebhook"].every((f) => fieldsOf(r).includes(f)), 5_000, "audited webhook mutations");
  });
});

test("private and loopback targets are refused by default", async () => {
  const app = await startTestApp();
  try {
    for (const url of ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/x", "http://10.0.0.8/x", "http://169.254.169.254/latest", "http://[::ffff:192.168.0.1]/"]) {
      const r = await createWebhook(app, { url });
      assert.equal(r.body.errors?.[0]?.extensions.code, "BAD_USER_INPUT", url);
      assert.match(r.body.errors[0].message, /^url: /);
    }
  } finally {
    await app.stop();
  }
});
