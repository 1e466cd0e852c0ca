import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { count, postIngest, repoId, states } from "./helpers/ingest";

// New findings are written in pipelined chunks (finding-store.sql.ts FindingInserter): a failure in a later
// chunk, after earlier chunks were written, must still leave nothing of the upload behind.
let app: TestApp;
before(async () => { app = await startTestApp(); });
after(async () => { await app?.stop(); });

function sarif(n: number, prefix: string): object {
  return {
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "chunky", rules: [{ id: "r1", shortDescription: { text: "Rule one" } }] } },
      results: Array.from({ length: n }, (_, i) => ({
        ruleId: "r1", level: "warning", message: { text: `${prefix} issue ${i}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: `src/${prefix}/f${i}.ts` }, region: { startLine: 1 + (i % 50) } } }],
      })),
    }],
  };
}

test("a write failing in the third chunk of new findings rolls the whole upload back", async () => {
  const repository = "acme/chunks";
  const first = await postIngest(app, { repository }, sarif(100, "a"));
  assert.equal(first.status, 200);
  const ds = app.db.dataSource;
  const repo = await repoId(app, repository);
  const was = { states: await states(app, repository), events: await count(app, "finding_event"), ranks: await count(app, "finding_rank") };

  // Refuses the 11,001st row one transaction inserts: two 5,000-row chunks are written by then.
  await ds.query(`CREATE FUNCTION test_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      PERFORM set_config('test.rows', (coalesce(nullif(current_setting('test.rows', true), ''), '0')::int + 1)::text, true);
      IF current_setting('test.rows')::int > 11000 THEN RAISE EXCEPTION 'test: refused after 11000 rows'; END IF;
      RETURN NEW; END $$`);
  await ds.query(`CREATE TRIGGER test_boom BEFORE INSERT ON finding FOR EACH ROW EXECUTE FUNCTION test_boom()`);
  try {
    // The 100 earlier results plus 12,000 new ones: a complete upload that would also fix nothing.
    const log = sarif(100, "a") as { runs: { results: unknown[] }[] };
    log.runs[0].results.push(...(sarif(12_000, "b") as { runs: { results: unknown[] }[] }).runs[0].results);
    const failed = await postIngest(app, { repository }, log);
    assert.equal(failed.status, 500, JSON.stringify(failed.body).slice(0, 300));
  } finally {
    await ds.query(`DROP TRIGGER test_boom ON finding`);
    await ds.query(`DROP FUNCTION test_boom()`);
  }
  assert.deepEqual(await states(app, repository), was.states, "the repository's findings as before");
  assert.equal(await count(app, "finding", "WHERE repository_id = $1", [repo]), 100);
  assert.equal(await count(app, "finding_rank"), was.ranks);
  assert.equal(await count(app, "finding_event"), was.events, "no event");
  assert.equal(await count(app, "import_run", "WHERE repository_id = $1 AND status = 'failed'", [repo]), 1, "the failed import run is recorded");

  const again = await postIngest(app, { repository }, sarif(12_000, "b"));
  assert.equal(again.status, 200);
  assert.equal(again.body.created, 12_000);
  assert.equal(again.body.fixed, 100);
  assert.equal(await count(app, "finding_rank", "WHERE repository_id = $1", [repo]), 12_100);
});
