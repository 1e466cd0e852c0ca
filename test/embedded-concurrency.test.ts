import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { Provider } from "../src/common/types";

let app: TestApp;
before(async () => { app = await startTestApp(); });
after(async () => { await app?.stop(); });

// If two transactions shared PGlite's one session, a rollback would take the
// other's writes with it and reads would see uncommitted rows. With a pool of
// one connection over the wire protocol, each transaction owns the session.
test("concurrent transactions neither interleave nor lose committed writes", async () => {
  const ds = app.db.dataSource;
  const runs = Array.from({ length: 24 }, (_, i) => i);
  const outcomes = await Promise.allSettled(runs.map((i) => ds.transaction(async (tx) => {
    await tx.query("INSERT INTO devops_organization (name, provider) VALUES ($1, $2)", [`conc-${i}`, Provider.GENERIC]);
    await tx.query("SELECT pg_sleep(0.005)");
    const [{ n }] = await tx.query("SELECT count(*)::int AS n FROM devops_organization WHERE name LIKE 'conc-%'");
    // Inside the transaction only committed rows plus its own are visible.
    assert.ok(n >= 1);
    if (i % 3 === 0) throw new Error("roll back");
  })));
  const committed = runs.filter((i) => i % 3 !== 0).map((i) => `conc-${i}`);
  assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, committed.length);
  const rows: { name: string }[] = await ds.query("SELECT name FROM devops_organization WHERE name LIKE 'conc-%' ORDER BY name");
  assert.deepEqual(rows.map((r) => r.name).sort(), committed.sort());
});

test("concurrent GraphQL mutations all land", async () => {
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => app.gql(`mutation { createApiToken(input: {name: "c${i}", scopes: [READ]}) { token apiToken { id } } }`)));
  for (const r of results) assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  const list = await app.gql("{ apiTokens { name } }");
  for (let i = 0; i < 12; i++) assert.ok(list.body.data.apiTokens.some((t: { name: string }) => t.name === `c${i}`));
});
