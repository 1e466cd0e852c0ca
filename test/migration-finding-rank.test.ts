import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { startTestApp, TestApp } from "./helpers/app";

// The upgrade path: findings stored with their score in `finding` (before FindingRank) keep score, level and
// counters when the migration moves them to finding_rank; and the way back restores them.
let app: TestApp;
before(async () => { app = await startTestApp(); });
after(async () => { await app?.stop(); });

const LEVELS = ["P0", "P1", "P2", "P3", "P4"];

test("FindingRank and FindingContentHash migrate stored findings (down and up again)", async () => {
  const ds = app.db.dataSource;
  const migrations = async (): Promise<string[]> => (await ds.query(`SELECT name FROM typeorm_migrations ORDER BY id DESC`)).map((r: { name: string }) => r.name);
  const applied = await migrations();
  // Back to just before FindingRank: it and every later migration are undone, newest first.
  const undo = applied.indexOf("FindingRank1796400000000") + 1;
  assert.ok(undo > 0 && applied.includes("FindingContentHash1796400000001"));
  for (let i = 0; i < undo; i++) await ds.undoLastMigration();

  // The schema as it was: score and level on finding, counters kept from finding.
  const org = crypto.randomUUID();
  const repos = [crypto.randomUUID(), crypto.randomUUID()];
  const n = 300;
  await ds.query(
    `INSERT INTO finding (organization_id, repository_id, analysis_category, fingerprint, source, title, category, severity, severity_rank, state,
                          rule_id, tool, first_seen_at, last_seen_at, priority_score, priority_level)
     SELECT $1, ($2::uuid[])[1 + i % 2], 'cat', 'fp' || i, 'test', 't', (ARRAY['CODE','SECRET','DEPENDENCY'])[1 + i % 3], (ARRAY['CRITICAL','HIGH','LOW'])[1 + i % 3], 0,
            (ARRAY['OPEN','FIXED','DISMISSED','OPEN'])[1 + i % 4], 'r', 'tool', now(), now(), i % 100, ($3::varchar[])[1 + i % 5]
       FROM generate_series(1, $4::int) i`, [org, repos, LEVELS, n]);
  const before = await ds.query(`SELECT id, organization_id, repository_id, state, severity, category, priority_score, priority_level FROM finding ORDER BY id`);
  const counts = async () => JSON.stringify(await ds.query(
    `SELECT state, severity, category, priority_level, sum(n)::int AS n FROM finding_count WHERE organization_id = $1 GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4`, [org]));
  const countsBefore = await counts();

  await ds.runMigrations({ transaction: "each" });
  assert.deepEqual(await migrations(), applied);
  const after = await ds.query(
    `SELECT f.id, r.organization_id, r.repository_id, r.state, r.severity, r.category, r.priority_score, r.priority_level
       FROM finding f JOIN finding_rank r ON r.finding_id = f.id ORDER BY f.id`);
  assert.equal(after.length, n);
  assert.deepEqual(after, before, "every finding's score, level and keys in finding_rank");
  assert.equal(await counts(), countsBefore, "counters unchanged");
  const [{ cols }] = await ds.query(`SELECT count(*)::int AS cols FROM information_schema.columns WHERE table_name = 'finding' AND table_schema = current_schema() AND column_name IN ('priority_score', 'priority_level')`);
  assert.equal(cols, 0, "the old columns are gone");

  // After the upgrade, the counters follow finding_rank: a state change through finding moves them.
  await ds.query(`UPDATE finding SET state = 'FIXED' WHERE organization_id = $1 AND state = 'OPEN'`, [org]);
  const [{ open }] = await ds.query(`SELECT coalesce(sum(n), 0)::int AS open FROM finding_count WHERE organization_id = $1 AND state = 'OPEN'`, [org]);
  assert.equal(open, 0);
  const r = await app.gql(`{ findings(first: 5, orderBy: {field: PRIORITY, direction: DESC}, filter: {state: [FIXED]}) { totalCount nodes { priority { score level } } } }`);
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  assert.equal(r.body.data.findings.nodes[0].priority.score, 99);
});
