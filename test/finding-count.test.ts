import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { startTestApp, TestApp } from "./helpers/app";
import { rng } from "../scripts/demo/random";

// The precomputed posture counters must equal a GROUP BY over findings after any mix of writes.
let app: TestApp;
before(async () => { app = await startTestApp(); });
after(async () => { await app?.stop(); });

const STATES = ["OPEN", "FIXED", "DISMISSED"];
const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"];
const CATEGORIES = ["CODE", "SECRET", "DEPENDENCY", "IAC", "CONTAINER", "POSTURE"];
const LEVELS = ["P0", "P1", "P2", "P3", "P4"];

async function groupBy(orgId: string | null): Promise<string> {
  const rows: { k: string; n: number }[] = await app.db.dataSource.query(
    `SELECT concat_ws('/', f.state, f.severity, f.category, r.priority_level) AS k, count(*)::int AS n FROM finding f JOIN finding_rank r ON r.finding_id = f.id
      ${orgId ? "WHERE f.organization_id = $1" : ""} GROUP BY 1 ORDER BY 1`, orgId ? [orgId] : []);
  return JSON.stringify(rows);
}
async function counters(orgId: string | null): Promise<string> {
  const rows: { k: string; n: number }[] = await app.db.dataSource.query(
    `SELECT concat_ws('/', state, severity, category, priority_level) AS k, sum(n)::int AS n FROM finding_count
      ${orgId ? "WHERE organization_id = $1" : ""} GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1`, orgId ? [orgId] : []);
  return JSON.stringify(rows);
}

test("finding_count stays exact under random inserts, updates, deletes, rollbacks and compactions", async () => {
  const ds = app.db.dataSource;
  const r = rng(7);
  const orgs = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  const repos = orgs.flatMap((o) => [[o, crypto.randomUUID()], [o, crypto.randomUUID()]]);
  let seq = 0;
  const insert = (em: { query: typeof ds.query }, n: number) => {
    const rows = Array.from({ length: n }, () => {
      const [org, repo] = r.pick(repos);
      return [org, repo, `fp${seq++}`, r.pick(STATES), r.pick(SEVERITIES), r.pick(CATEGORIES), r.pick(LEVELS)];
    });
    // As the load path writes them: the finding and its finding_rank row in one statement.
    return em.query(`WITH u AS MATERIALIZED (SELECT uuid_v7() AS id, u.*
        FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[]) AS u(o, rp, fp, st, sv, c, lv)),
      ins AS (INSERT INTO finding (id, organization_id, repository_id, analysis_category, fingerprint, source, title, category, severity, severity_rank, state,
          rule_id, tool, first_seen_at, last_seen_at)
        SELECT id, o, rp, 'cat', fp, 'test', 't', c, sv, 0, st, 'r', 'tool', now(), now() FROM u)
      INSERT INTO finding_rank (finding_id, organization_id, repository_id, state, severity, category, priority_score, priority_level)
        SELECT id, o, rp, st, sv, c, 0, lv FROM u`,
    [0, 1, 2, 3, 4, 5, 6].map((i) => rows.map((row) => row[i])));
  };
  for (let step = 0; step < 60; step++) {
    const op = r.int(0, 6);
    if (op <= 1) await insert(ds, r.int(1, 200));
    else if (op === 2) await ds.query(`UPDATE finding SET state = $1 WHERE id IN (SELECT id FROM finding ORDER BY random() LIMIT $2)`, [r.pick(STATES), r.int(1, 80)]);
    else if (op === 3) await ds.query(`UPDATE finding SET severity = $1, category = $2 WHERE id IN (SELECT id FROM finding ORDER BY random() LIMIT $3)`, [r.pick(SEVERITIES), r.pick(CATEGORIES), r.int(1, 50)]);
    else if (op === 4 && r.int(0, 1)) await ds.query(`UPDATE finding_rank SET priority_level = $1 WHERE finding_id IN (SELECT finding_id FROM finding_rank ORDER BY random() LIMIT $2)`, [r.pick(LEVELS), r.int(1, 50)]);
    else if (op === 4) await ds.query(`UPDATE finding SET last_seen_at = now(), owner = 'x'`); // moves no key
    else if (op === 5) await ds.query(`DELETE FROM finding WHERE id IN (SELECT id FROM finding ORDER BY random() LIMIT $1)`, [r.int(1, 60)]);
    else {
      // A transaction that writes and rolls back leaves no trace.
      await ds.transaction(async (tx) => { await insert(tx, 30); await tx.query(`UPDATE finding SET state = 'FIXED'`); throw new Error("rollback"); }).catch(() => undefined);
    }
    if (step % 15 === 14) await app.services.summary.compact();
  }
  // Concurrent writers (on a server pool; serialized on the embedded database) and a compaction in between.
  await Promise.all([
    ds.transaction((tx) => insert(tx, 100)),
    ds.transaction((tx) => tx.query(`UPDATE finding SET state = 'DISMISSED' WHERE state = 'OPEN' AND severity = 'LOW'`)),
    app.services.summary.compact(),
    ds.transaction((tx) => insert(tx, 50)),
  ]);
  assert.equal(await counters(null), await groupBy(null));
  for (const o of orgs) assert.equal(await counters(o), await groupBy(o));
  // finding_rank follows finding: one row per finding, the copied columns equal.
  const [drift] = await ds.query(`SELECT (SELECT count(*) FROM finding)::int AS findings, (SELECT count(*) FROM finding_rank)::int AS ranks,
      (SELECT count(*) FROM finding f JOIN finding_rank r ON r.finding_id = f.id
        WHERE (f.organization_id, f.repository_id, f.state, f.severity, f.category) IS NOT DISTINCT FROM (r.organization_id, r.repository_id, r.state, r.severity, r.category))::int AS equal`);
  assert.equal(drift.ranks, drift.findings);
  assert.equal(drift.equal, drift.findings);
  await app.services.summary.compact();
  assert.equal(await counters(null), await groupBy(null));
  const [{ k }] = await ds.query(`SELECT count(*)::int AS k FROM (SELECT 1 FROM finding_count GROUP BY organization_id, state, severity, category, priority_level HAVING count(*) > 1) x`);
  assert.equal(k, 0, "one row per key after compaction");

  // postureSummary reads the counters and agrees with the GROUP BY.
  const res = await app.gql("{ postureSummary { totalFindings openFindings byState { state count } bySeverity { severity count } } }");
  const [{ total, open }] = await ds.query(`SELECT count(*)::int AS total, (count(*) FILTER (WHERE state = 'OPEN'))::int AS open FROM finding`);
  assert.equal(res.body.data.postureSummary.totalFindings, total);
  assert.equal(res.body.data.postureSummary.openFindings, open);
  await ds.query("TRUNCATE finding CASCADE");
  assert.equal(await counters(null), "[]");
});
