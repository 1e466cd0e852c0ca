import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { startTestApp, TestApp } from "../helpers/app";
import { Scope } from "../../src/common/types";

let app: TestApp;
before(async () => { app = await startTestApp({ auditFlushMs: 20 }); });
after(() => app?.stop());

const wsUrl = () => app.url.replace("http", "ws") + "/graphql";

test("createApiToken: the secret is returned once, only its hash is stored, and it works at once", async () => {
  const r = await app.gql('mutation { createApiToken(input: { name: "ci", scopes: [READ] }) { token apiToken { id name prefix scopes lastUsedAt } } }');
  const { token, apiToken } = r.body.data.createApiToken;
  assert.match(token, /^pgr_[\w-]{43}$/);
  assert.ok(token.startsWith(apiToken.prefix));
  const rows = await app.db.dataSource.query("SELECT * FROM api_token WHERE name = 'ci'");
  assert.ok(!JSON.stringify(rows).includes(token), "the secret is not stored");
  const listed = await app.gql("{ apiTokens { name prefix } }");
  assert.ok(!JSON.stringify(listed.body).includes(token));
  assert.equal((await app.gql("{ viewer { name scopes } }", undefined, token)).body.data.viewer.name, "ci");
  // last used time is recorded (asynchronously, throttled to once a minute)
  await new Promise((res) => setTimeout(res, 100));
  const used = await app.gql("{ apiTokens { name lastUsedAt } }");
  assert.ok(used.body.data.apiTokens.find((t: any) => t.name === "ci").lastUsedAt);
});

test("expired and revoked tokens get 401 immediately; a wrong token of the right shape too", async () => {
  const { token, apiToken } = await app.services.tokens.create({ name: "short", scopes: [Scope.READ], expiresAt: new Date(Date.now() + 300) });
  assert.equal((await app.gql("{ viewer { name } }", undefined, token)).status, 200);
  await new Promise((res) => setTimeout(res, 400));
  assert.equal((await app.gql("{ viewer { name } }", undefined, token)).status, 401);
  const other = await app.services.tokens.create({ name: "revoked", scopes: [Scope.READ] });
  await app.gql("mutation($id: ID!) { revokeApiToken(id: $id) { id } }", { id: other.apiToken.nodeId });
  const r = await app.gql("{ viewer { name } }", undefined, other.token);
  assert.equal(r.status, 401);
  assert.equal(r.body.errors?.[0].extensions.code, "UNAUTHENTICATED");
  assert.equal((await app.gql("{ viewer { name } }", undefined, "pgr_" + "A".repeat(43))).status, 401);
  assert.ok(apiToken.id);
});

test("revoking a token closes its open WebSocket connections (4401), not the others", async () => {
  const victim = await app.services.tokens.create({ name: "ws-victim", scopes: [Scope.READ] });
  const bystander = await app.services.tokens.create({ name: "ws-bystander", scopes: [Scope.READ] });
  const open = (token: string) => {
    let closed: { code: number; reason: string } | null = null;
    let connected = false;
    const client = createClient({
      url: wsUrl(), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined, connectionParams: { authorization: `Bearer ${token}` },
      on: { connected: () => { connected = true; }, closed: (e) => { const ev = e as { code: number; reason: string }; closed = { code: ev.code, reason: ev.reason }; } },
    });
    return { client, state: () => ({ connected, closed }) };
  };
  const a = open(victim.token);
  const b = open(bystander.token);
  for (let i = 0; i < 100 && !(a.state().connected && b.state().connected); i++) await new Promise((res) => setTimeout(res, 20));
  assert.ok(a.state().connected && b.state().connected);
  // If a Subscription type exists by now, an open subscription on the victim's socket ends too.
  const t = performance.now();
  await app.gql("mutation($id: ID!) { revokeApiToken(id: $id) { id } }", { id: victim.apiToken.nodeId });
  for (let i = 0; i < 100 && !a.state().closed; i++) await new Promise((res) => setTimeout(res, 10));
  console.log(`# revoked token's WebSocket closed ${(performance.now() - t).toFixed(0)} ms after the revoke request was sent`);
  assert.deepEqual(a.state().closed, { code: 4401, reason: "Token revoked" });
  assert.equal(b.state().closed, null);
  await a.client.dispose();
  await b.client.dispose();
  // And it cannot come back.
  const again = open(victim.token);
  for (let i = 0; i < 100 && !again.state().closed; i++) await new Promise((res) => setTimeout(res, 10));
  assert.equal((again.state().closed as { code: number } | null)?.code, 4403);
  await again.client.dispose();
});

test("WebSocket Origin check: a foreign Origin is refused at the upgrade, same host and no Origin pass", async () => {
  const attempt = (origin?: string) => new Promise<number>((resolve) => {
    const ws = new WebSocket(wsUrl(), "graphql-transport-ws", origin ? { origin } : {});
    ws.on("open", () => { ws.close(); resolve(101); });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => undefined);
  });
  assert.equal(await attempt("https://evil.example"), 403);
  assert.equal(await attempt(app.url), 101);
  assert.equal(await attempt(), 101);
});

test("rate limits: requests per token answer 429 with Retry-After; other tokens are unaffected", async () => {
  const limited = await startTestApp({ rateLimit: { requestsPerMinute: 5, costPerMinute: 0, authFailuresPerMinute: 3 } });
  try {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const res = await limited.fetch("/graphql?query=%7Bviewer%7Bname%7D%7D");
      statuses.push(res.status);
      if (res.status === 429) { retryAfter = res.headers.get("retry-after"); assert.equal((await res.json() as any).errors[0].extensions.limit, "rateLimit"); } else await res.text();
    }
    console.log(`# 5 requests/min: statuses ${statuses.join(",")}, Retry-After ${retryAfter}`);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    assert.equal(retryAfter, "12");
    const other = await limited.services.tokens.create({ name: "other", scopes: [Scope.READ] });
    assert.equal((await limited.gql("{ viewer { name } }", undefined, other.token)).status, 200);
    // Failed authentication per address: after 3 bad tokens, even a good one waits.
    const bad = [];
    for (let i = 0; i < 4; i++) bad.push((await limited.gql("{ viewer { name } }", undefined, `pgr_wrong${i}`)).status);
    assert.deepEqual(bad, [401, 401, 401, 429]);
    assert.equal((await limited.gql("{ viewer { name } }", undefined, other.token)).status, 429);
  } finally {
    await limited.stop();
  }
});

test("rate limits: the cost budget counts `first`", async () => {
  const limited = await startTestApp({ rateLimit: { requestsPerMinute: 0, costPerMinute: 500, authFailuresPerMinute: 0 } });
  try {
    const q = "{ findings(first: 100) { nodes { id title } } }"; // 2 + 100 × 4 = 402
    const first = await limited.gql(q);
    const second = await limited.gql(q);
    assert.equal(first.status, 200);
    assert.equal(second.status, 429);
    assert.deepEqual(second.body.errors![0].extensions, { code: "LIMIT_EXCEEDED", limit: "rateCost" });
  } finally {
    await limited.stop();
  }
});

test("introspection: admin tokens only by default", async () => {
  const reader = await app.services.tokens.create({ name: "intro-reader", scopes: [Scope.READ] });
  const q = "{ __schema { queryType { name } } }";
  const denied = await app.gql(q, undefined, reader.token);
  assert.equal(denied.body.errors![0].extensions.code, "FORBIDDEN");
  assert.equal(denied.body.data, undefined);
  assert.equal((await app.gql("{ __type(name: \"Finding\") { name } }", undefined, reader.token)).body.errors![0].extensions.code, "FORBIDDEN");
  assert.equal((await app.gql("{ __typename viewer { name } }", undefined, reader.token)).status, 200);
  assert.equal((await app.gql(q)).body.data.__schema.queryType.name, "Query");
});

test("audit log: mutations and admin actions with who, what (secrets redacted), when, where and result; append-only", async () => {
  await app.gql('mutation Mint($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }', { input: { name: "audited", scopes: ["READ"] }, webhookSecret: "should-not-appear" });
  const reader = await app.services.tokens.create({ name: "audit-reader", scopes: [Scope.READ] });
  await app.gql('mutation { revokeApiToken(id: "QXBpVG9rZW46MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw") { id } }', undefined, reader.token);
  await app.gql("{ apiTokens { name } }");
  await app.gql("{ viewer { name } }");
  await app.services.audit.flush();
  const log = await app.gql("{ auditLog(first: 20) { totalCount edges { cursor node { tokenId tokenName kind operation fields variables remoteAddress result at } } } }");
  const entries = log.body.data.auditLog.edges.map((e: any) => e.node);
  const mint = entries.find((e: any) => e.operation === "Mint");
  assert.equal(mint.tokenName, "admin");
  assert.deepEqual(mint.fields, ["createApiToken"]);
  assert.equal(mint.result, "ok");
  assert.match(mint.remoteAddress, /127\.0\.0\.1/);
  assert.equal(mint.variables.webhookSecret, "[redacted]");
  assert.ok(!JSON.stringify(log.body).includes("should-not-appear"));
  assert.ok(entries.some((e: any) => e.tokenName === "audit-reader" && e.fields[0] === "revokeApiToken" && e.result === "FORBIDDEN"), "refused attempts are audited");
  assert.ok(entries.some((e: any) => e.fields.includes("apiTokens") && e.result === "ok"), "admin queries are audited");
  assert.ok(!entries.some((e: any) => e.fields.includes("viewer")), "plain reads are not");
  // Keyset pagination
  const page = await app.gql("query($a: String) { auditLog(first: 1, after: $a) { nodes { kind } pageInfo { hasNextPage } } }", { a: log.body.data.auditLog.edges[0].cursor });
  assert.equal(page.body.data.auditLog.nodes.length, 1);
  // Append-only in the database itself.
  await assert.rejects(app.db.dataSource.query("UPDATE audit_log SET result = 'ok'"), /append-only/);
  await assert.rejects(app.db.dataSource.query("DELETE FROM audit_log"), /append-only/);
  await assert.rejects(app.db.dataSource.query("TRUNCATE audit_log"), /append-only/);
  // NDJSON export
  const res = await app.fetch(`/audit/export?since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/x-ndjson/);
  const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(lines.length >= entries.length);
  assert.ok(lines.some((l) => l.operation === "Mint"));
  assert.equal((await app.fetch("/audit/export?since=yesterday")).status, 400);
});

test("audit writes do not slow requests: 50 mutations, one batched insert", async () => {
  const t = performance.now();
  await Promise.all(Array.from({ length: 50 }, (_, i) => app.gql(`mutation { createApiToken(input: { name: "bulk${i}", scopes: [READ] }) { apiToken { id } } }`)));
  const ms = performance.now() - t;
  await app.services.audit.flush();
  const [{ n }] = await app.db.dataSource.query("SELECT count(*)::int AS n FROM audit_log WHERE variables IS NULL AND 'createApiToken' = ANY(fields)");
  console.log(`# 50 audited mutations answered in ${ms.toFixed(0)} ms`);
  assert.ok(n >= 50);
});
