import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { postIngest } from "./helpers/ingest";
import { mentions, seedTenant, Tenant } from "./helpers/tenants";
import { fixtureBytes } from "./fixtures/real-fixtures";
import { toGlobalId } from "../src/common/ids";

async function cacheCount(app: TestApp, result: "hit" | "miss"): Promise<number> {
  const text = await (await app.fetch("/metrics", { token: null })).text();
  const m = new RegExp(`^posturegraph_graphql_response_cache_total\\{result="${result}"\\} (\\d+)`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * Asks until a response comes from the cache. The key includes the database
 * snapshot, and on a shared PostgreSQL server any other test's write changes
 * it, so one repeat is not guaranteed to hit; a quiet moment comes soon.
 */
async function askUntilHit(app: TestApp, query: string, token?: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const before = await cacheCount(app, "hit");
    const r = await app.gql(query, {}, token);
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    if ((await cacheCount(app, "hit")) > before) return r.body;
  }
  assert.fail("never served from the cache");
}

const FINDINGS = `{ findings(first: 50) { totalCount nodes { id title state repository { fullName } } } }`;

describe("GraphQL response cache (keyed by database snapshot)", () => {
  let app: TestApp;
  before(async () => { app = await startTestApp(); });
  after(async () => { await app?.stop(); });

  test("a repeated query is served from the cache with the same body", async () => {
    await postIngest(app, { repository: "acme/cache" }, fixtureBytes("eslint.sarif"));
    const first = await app.gql(FINDINGS);
    const cached = await askUntilHit(app, FINDINGS);
    assert.deepEqual(cached, first.body);
  });

  test("any committed write makes the next request execute: never a stale answer", async () => {
    await askUntilHit(app, FINDINGS);
    const before = (await app.gql(FINDINGS)).body.data.findings.totalCount;
    const up = await postIngest(app, { repository: "acme/cache-2" }, fixtureBytes("gitleaks.sarif"));
    assert.equal(up.status, 200);
    const afterWrite = (await app.gql(FINDINGS)).body.data.findings.totalCount;
    assert.equal(afterWrite, before + up.body.created);
    // The same through a write that is not an upload: a token revoked elsewhere is seen at once by the next lookup.
    const created = await app.gql(`mutation { createApiToken(input: { name: "short", scopes: [READ] }) { token apiToken { id } } }`);
    const { token, apiToken } = created.body.data.createApiToken;
    await askUntilHit(app, FINDINGS, token);
    await app.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: apiToken.id });
    assert.equal((await app.gql(FINDINGS, {}, token)).status, 401);
  });

  test("responses are never shared between tokens: an organization-limited token gets its own", async () => {
    const a: Tenant = await seedTenant(app.db.dataSource, "cachetenanta");
    const b: Tenant = await seedTenant(app.db.dataSource, "cachetenantb");
    const tokenFor = async (t: Tenant) => (await app.gql(`mutation($o: [ID!]) { createApiToken(input: { name: "ltd", scopes: [READ], organizations: $o }) { token } }`,
      { o: [toGlobalId("DevOpsOrganization", t.orgId)] })).body.data.createApiToken.token as string;
    const [ta, tb] = [await tokenFor(a), await tokenFor(b)];
    const all = await askUntilHit(app, FINDINGS);
    assert.ok(mentions(all, a) && mentions(all, b), "the admin sees both");
    const onlyA = await askUntilHit(app, FINDINGS, ta);
    assert.ok(mentions(onlyA, a));
    assert.equal(mentions(onlyA, b), null);
    const onlyB = await askUntilHit(app, FINDINGS, tb);
    assert.ok(mentions(onlyB, b));
    assert.equal(mentions(onlyB, a), null);
  });

  test("errors and mutations are not cached", async () => {
    const bad = `{ findings(first: 100000) { nodes { id } } }`;
    const hits = await cacheCount(app, "hit");
    for (let i = 0; i < 3; i++) assert.equal((await app.gql(bad)).body.errors[0].extensions.code, "LIMIT_EXCEEDED");
    const names = new Set<string>();
    for (let i = 0; i < 3; i++) names.add((await app.gql(`mutation { createApiToken(input: { name: "m", scopes: [READ] }) { apiToken { id } } }`)).body.data.createApiToken.apiToken.id);
    assert.equal(names.size, 3);
    assert.equal(await cacheCount(app, "hit"), hits);
  });
});

describe("GraphQL response cache and the cost budget", () => {
  let app: TestApp;
  before(async () => { app = await startTestApp({ rateLimit: { requestsPerMinute: 0, costPerMinute: 402 * 6, authFailuresPerMinute: 0 } }); });
  after(async () => { await app?.stop(); });

  test("answers from the cache spend the token's cost budget like executions", async () => {
    const q = "{ findings(first: 100) { nodes { id title } } }"; // cost 402: six fit in the budget
    const hits = await cacheCount(app, "hit");
    const statuses: number[] = [];
    for (let i = 0; i < 30 && !statuses.includes(429); i++) statuses.push((await app.gql(q)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429], "served from the cache or not, the seventh is over budget");
    assert.ok(await cacheCount(app, "hit") > hits || !!process.env.TEST_DATABASE_URL, "some were cache hits (embedded: nothing else writes)");
  });
});

describe("GraphQL response cache off", () => {
  let app: TestApp;
  before(async () => { app = await startTestApp({ responseCache: { ttlMs: 0, maxBytes: 1 << 20 } }); });
  after(async () => { await app?.stop(); });

  test("RESPONSE_CACHE_TTL_MS=0 executes every query", async () => {
    const hits = await cacheCount(app, "hit"), misses = await cacheCount(app, "miss");
    for (let i = 0; i < 5; i++) assert.equal((await app.gql(FINDINGS)).body.errors, undefined);
    assert.equal(await cacheCount(app, "hit"), hits);
    assert.equal(await cacheCount(app, "miss"), misses, "not even looked up");
  });
});
