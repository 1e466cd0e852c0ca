import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startTestApp, TestApp } from "./helpers/app";
import { printServedSchema } from "../src/graphql/schema";

describe("service foundation", () => {
  let app: TestApp;
  before(async () => { app = await startTestApp(); });
  after(async () => { await app?.stop(); });

  test("every request needs a bearer token: none or a bad one is 401", async () => {
    const none = await app.fetch("/graphql", { method: "POST", token: null, headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ viewer { name } }" }) });
    assert.equal(none.status, 401);
    const body = (await none.json()) as any;
    assert.equal(body.errors[0].extensions.code, "UNAUTHENTICATED");
    const bad = await app.gql("{ viewer { name } }", {}, "pgr_not-a-real-token");
    assert.equal(bad.status, 401);
    const ok = await app.gql("{ viewer { name scopes organizations { id } } }");
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.data.viewer, { name: "admin", scopes: ["READ", "WRITE", "INGEST", "ADMIN"], organizations: null });
  });

  test("the admin token file is private to the owner", () => {
    const mode = fs.statSync(path.join(app.config.dataDir, "admin-token")).mode & 0o777;
    assert.equal(mode, 0o600);
  });

  test("health, readiness and metrics answer without a token", async () => {
    assert.equal((await app.fetch("/healthz", { token: null })).status, 200);
    const ready = await app.fetch("/readyz", { token: null });
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready" });
    const metrics = await (await app.fetch("/metrics", { token: null })).text();
    assert.match(metrics, /posturegraph_http_requests_total/);
    assert.match(metrics, /posturegraph_graphql_operations_total/);
  });

  test("the served schema is the committed schema/schema.graphql", async () => {
    const committed = fs.readFileSync(path.resolve(__dirname, "../../schema/schema.graphql"), "utf8");
    assert.equal(await printServedSchema(), committed, "run `npm run schema` and commit schema/schema.graphql");
  });

  test("entities and migrations agree (no pending schema change)", async () => {
    const sql = await app.db.dataSource.driver.createSchemaBuilder().log();
    assert.deepEqual(sql.upQueries.map((q) => q.query), [], "entities changed without a migration: npm run migration:generate -- Name");
  });

  test("page size over the cap is an error, not a silent cut", async () => {
    const res = await app.gql("{ findings(first: 101) { nodes { id } } }");
    assert.equal(res.body.errors[0].extensions.code, "LIMIT_EXCEEDED");
    assert.match(res.body.errors[0].message, /limit of 100/);
  });

  test("a malformed cursor is BAD_USER_INPUT; an unknown node is null", async () => {
    const res = await app.gql('{ findings(first: 5, after: "garbage") { nodes { id } } }');
    assert.equal(res.body.errors[0].extensions.code, "BAD_USER_INPUT");
    const node = await app.gql('{ node(id: "RmluZGluZzowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA") { id } }');
    assert.equal(node.body.data.node, null);
  });

  test("validation errors carry a contract code and no suggestions", async () => {
    const res = await app.gql("{ findingz { id } }");
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].extensions.code, "BAD_USER_INPUT");
    assert.doesNotMatch(res.body.errors[0].message, /Did you mean/);
  });

  test("mutations are refused over GET", async () => {
    const q = encodeURIComponent('mutation { revokeApiToken(id: "x") { id } }');
    const res = await app.fetch(`/graphql?query=${q}`, { headers: { accept: "application/json" } });
    assert.equal(res.status, 405);
  });

  test("queries work over GET", async () => {
    const q = encodeURIComponent("{ viewer { name } }");
    const res = await app.fetch(`/graphql?query=${q}`, { headers: { accept: "application/graphql-response+json" } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).data.viewer.name, "admin");
  });
});
