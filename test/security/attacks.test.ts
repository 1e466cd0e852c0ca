import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { startTestApp, TestApp } from "../helpers/app";

/**
 * Hostile documents and requests are refused before execution, quickly and
 * with a clear code, while normal traffic keeps being answered.
 */
let app: TestApp;
before(async () => { app = await startTestApp({ rateLimit: { requestsPerMinute: 0, costPerMinute: 0, authFailuresPerMinute: 0 } }); });
after(() => app?.stop());

const aliases = (n: number) => "{ " + Array.from({ length: n }, (_, i) => `a${i}: viewer { name }`).join(" ") + " }";
const deep = (n: number) => "{ " + "organizations { nodes { ".repeat(n / 2) + "id" + " } }".repeat(n / 2) + " }";
const ATTACKS: Record<string, { body: unknown; limit: string; status?: number }> = {
  "10,000 aliases": { body: { query: aliases(10_000) }, limit: "tokens" },
  "31 aliases": { body: { query: aliases(31) }, limit: "aliases" },
  "depth 100": { body: { query: deep(100) }, limit: "depth" },
  "1,000 duplicated fields": { body: { query: "{ viewer { " + "name ".repeat(1000) + "} }" }, limit: "fieldDuplicates" },
  "directive flooding": { body: { query: "{ viewer { name " + "@include(if: true) ".repeat(200) + "} }" }, limit: "directives" },
  "circular fragments": { body: { query: "{ viewer { ...A } } fragment A on Viewer { organizations { ...B } } fragment B on Viewer { organizations { ...A } }" }, limit: "" },
  "first: 1000000": { body: { query: "{ findings(first: 1000000) { nodes { id title } } }" }, limit: "cost" },
  "circular introspection": { body: { query: "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }" }, limit: "introspection" },
};

async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; ms: number }> {
  const t = performance.now();
  const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${app.token}`, ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  return { status: res.status, json, ms: performance.now() - t };
}

for (const [name, attack] of Object.entries(ATTACKS)) {
  test(`rejected before execution: ${name}`, async () => {
    const r = await post(attack.body);
    assert.equal(r.status, attack.status ?? 400, JSON.stringify(r.json).slice(0, 300));
    const err = r.json.errors[0];
    if (attack.limit) assert.deepEqual([err.extensions.code, err.extensions.limit], ["LIMIT_EXCEEDED", attack.limit], err.message);
    else assert.equal(err.extensions.code, "BAD_USER_INPUT", err.message); // graphql-js: "Cannot spread fragment A within itself"
    assert.equal(r.json.data, undefined, "nothing executed");
    assert.ok(!JSON.stringify(r.json).includes("stacktrace"));
    console.log(`# ${name}: ${r.status} ${err.extensions.limit ?? err.extensions.code} in ${r.ms.toFixed(1)} ms`);
  });
}

test("batched arrays are refused", async () => {
  const r = await post([{ query: "{ viewer { name } }" }, { query: "{ viewer { name } }" }]);
  assert.equal(r.status, 400);
  assert.equal(r.json.errors[0].extensions.code, "BAD_USER_INPUT");
});

test("a 50 MB body is refused with 413 LIMIT_EXCEEDED bodySize, without reading it all", async () => {
  const size = 50 * 1024 * 1024;
  const t = performance.now();
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${app.token}`, "content-length": String(size) } }, (res) => {
      let data = "";
      res.on("data", (c) => { data += c; });
      res.on("end", () => resolve({ status: res.statusCode!, body: data }));
    });
    req.on("error", reject);
    // Write only the first megabytes: the server answers from Content-Length.
    req.write("{\"query\": \"" + "x".repeat(2 * 1024 * 1024));
  });
  assert.equal(status, 413);
  assert.deepEqual(JSON.parse(body).errors[0].extensions, { code: "LIMIT_EXCEEDED", limit: "bodySize" });
  console.log(`# 50 MB body: 413 in ${(performance.now() - t).toFixed(1)} ms`);
});

test("CSRF: form posts are refused (415) and mutations never run over GET (405)", async () => {
  for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"]) {
    const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": type, authorization: `Bearer ${app.token}` }, body: "query=mutation%20%7B%20revokeApiToken(id%3A%22x%22)%20%7B%20id%20%7D%20%7D" });
    assert.equal(res.status, 415, type);
  }
  const noAuthForm = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{\"query\":\"{ viewer { name } }\"}" });
  assert.equal(noAuthForm.status, 415);
  const mutation = encodeURIComponent('mutation { createApiToken(input: { name: "csrf", scopes: [ADMIN] }) { token } }');
  const get = await app.fetch(`/graphql?query=${mutation}`);
  assert.equal(get.status, 405);
  const tokens = await app.gql("{ apiTokens { name } }");
  assert.ok(!tokens.body.data.apiTokens.some((t: { name: string }) => t.name === "csrf"));
  const query = await app.fetch(`/graphql?query=${encodeURIComponent("{ viewer { name } }")}`);
  assert.equal(query.status, 200, "GET queries still work");
});

test("no suggestions, no stack traces; internal errors are masked with a reference", async () => {
  const r = await post({ query: "{ viewer { nam } }" });
  assert.ok(!/Did you mean/.test(JSON.stringify(r.json)), JSON.stringify(r.json));
  assert.equal(r.json.errors[0].extensions.code, "BAD_USER_INPUT");
  assert.deepEqual(Object.keys(r.json.errors[0].extensions), ["code"]);
});

test("attacks sent concurrently with normal queries: every normal query still answers, correctly and promptly", async () => {
  const attacks = Object.values(ATTACKS).map((a) => a.body);
  const normal = () => post({ query: "{ viewer { name } organizations(first: 5) { totalCount } }" });
  // Baseline: the same number of requests, all normal (the machine may be busy with other tests).
  const base = await Promise.all(Array.from({ length: 60 }, () => normal()));
  const baseWorst = Math.max(...base.map((n) => n.ms));
  const t = performance.now();
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? normal() : post(attacks[i % attacks.length]))));
  const normals = results.filter((_, i) => i % 3 === 0);
  for (const n of normals) assert.deepEqual([n.status, n.json.data?.viewer?.name], [200, "admin"]);
  for (const a of results.filter((_, i) => i % 3 !== 0)) assert.equal(a.status, 400);
  const worst = Math.max(...normals.map((n) => n.ms));
  console.log(`# 20 normal + 40 attack requests at once: done in ${(performance.now() - t).toFixed(0)} ms, slowest normal ${worst.toFixed(0)} ms (60 normal requests alone: slowest ${baseWorst.toFixed(0)} ms)`);
  assert.ok(worst < baseWorst * 2 + 500, "attacks must not cost more than the normal requests they displace");
});
