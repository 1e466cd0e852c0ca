/**
 * Scenario 6 of the harness: a 25,000-result SARIF upload over HTTP, first
 * (25,000 new findings) and again unchanged, each against its floor in
 * hand-written SQL (one INSERT of the same rows; reading the scope).
 * The uploads' rows are deleted afterwards, so reruns measure the same estate.
 */
import pg from "pg";
import { Row, sarif, stats } from "./harness";

export async function runIngestScenario({ base, token, pool, rounds }: { base: string; token: string; pool: pg.Pool; rounds: number }): Promise<Row[]> {
  const rows: Row[] = [];
  await cleanup(pool); // an interrupted earlier run
  const body = sarif(25_000);
  const tag = Date.now().toString(36);
  const ingest = async (repoName: string) => {
    const t = performance.now();
    const res = await fetch(`${base}/ingest/sarif?repository=${encodeURIComponent(repoName)}`, { method: "POST", headers: { "content-type": "application/sarif+json", authorization: `Bearer ${token}` }, body });
    const json = await res.json() as Record<string, unknown>;
    if (!res.ok) throw new Error(`ingest ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
    return { ms: performance.now() - t, json };
  };
  const firsts: number[] = [], agains: number[] = [];
    for (let i = 0; i < rounds; i++) {
    const name = `bench-ingest/${tag}-${i}`;
    const a = await ingest(name); if (a.json.created !== 25_000) throw new Error(`first upload created ${String(a.json.created)}`);
    firsts.push(a.ms);
    const b = await ingest(name); if (b.json.unchanged !== 25_000) throw new Error(`re-upload unchanged ${String(b.json.unchanged)}`);
    agains.push(b.ms);
  }
  // Floor: the same 25,000 rows written by one unnest INSERT, and an unchanged re-sighting as one read + one UPDATE (rolled back).
  const [ing] = (await pool.query("SELECT repository_id, organization_id, analysis_category FROM finding WHERE repository_id = (SELECT id FROM repository WHERE full_name = $1) LIMIT 1", [`bench-ingest/${tag}-0`])).rows;
  const floorFirst: number[] = [], floorAgain: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const c = await pool.connect();
    try {
      await c.query("BEGIN");
      let t = performance.now();
      const fps = Array.from({ length: 25_000 }, (_, k) => `floor-${i}-${k}`);
      await c.query(`WITH u AS MATERIALIZED (SELECT uuid_v7() AS id, u.* FROM unnest($3::varchar[], $4::text[], $5::varchar[]) AS u(fp, msg, p)),
        ins AS (INSERT INTO finding (id, organization_id, repository_id, analysis_category, fingerprint, source, title, message, category, severity, severity_rank, state, rule_id, tool, path, start_line, first_seen_at, last_seen_at)
          SELECT id, $1, $2, 'floor', fp, 'sarif', 'Rule', msg, 'CODE', 'MEDIUM', 2, 'OPEN', 'rule-1', 'synthetic', p, 1, now(), now() FROM u)
        INSERT INTO finding_rank (finding_id, organization_id, repository_id, state, severity, category, priority_score, priority_level)
          SELECT id, $1, $2, 'OPEN', 'MEDIUM', 'CODE', 30, 'P3' FROM u`,
      [ing.organization_id, ing.repository_id, fps, fps.map((f) => `Issue ${f}`), fps.map((f) => `src/${f}.ts`)]);
      floorFirst.push(performance.now() - t);
      t = performance.now();
      const { rows: ex } = await c.query("SELECT f.id, fingerprint, f.severity, f.state, title, message, path, start_line, r.priority_score FROM finding f JOIN finding_rank r ON r.finding_id = f.id WHERE f.repository_id = $1 AND f.analysis_category = $2", [ing.repository_id, ing.analysis_category]);
      // An unchanged re-sighting writes no finding row (finding-seen.ts): one scope row.
      await c.query("INSERT INTO finding_scope (repository_id, analysis_category, seen_at) VALUES ($1, $2, now()) ON CONFLICT (repository_id, analysis_category) DO UPDATE SET seen_at = now()", [ing.repository_id, ing.analysis_category]);
      if (ex.length !== 25_000) throw new Error(`floor read ${ex.length} rows`);
      floorAgain.push(performance.now() - t);
    } finally { await c.query("ROLLBACK"); c.release(); }
  }
  rows.push({ scenario: "6. SARIF 25,000 results, first upload", target: "≤ 2 s", graphql: stats(firsts, firsts.reduce((a, b) => a + b, 0)), sql: stats(floorFirst, floorFirst.reduce((a, b) => a + b, 0)), note: `HTTP POST /ingest/sarif (${(body.length / 1e6).toFixed(1)} MB); SQL = one unnest INSERT of 25,000 rows` });
  rows.push({ scenario: "6. SARIF 25,000 results, unchanged", target: "≤ 1 s", graphql: stats(agains, agains.reduce((a, b) => a + b, 0)), sql: stats(floorAgain, floorAgain.reduce((a, b) => a + b, 0)), note: "SQL = read the scope's 25,000 rows + one scope row" });

  // The uploads above must not grow the estate run after run.
  await cleanup(pool);
  return rows;
}

export async function cleanup(pool: pg.Pool): Promise<void> {
  const repos = "SELECT id FROM repository WHERE full_name LIKE 'bench-ingest/%'";
  for (const table of ["finding_event", "finding", "import_run", "finding_scope"]) await pool.query(`DELETE FROM ${table} WHERE repository_id IN (${repos})`);
  const { rowCount } = await pool.query("DELETE FROM repository WHERE full_name LIKE 'bench-ingest/%'");
  // What autovacuum would do (it is off on this machine's server): the deleted uploads' index entries sit at the
  // right end of every (…, id) index, and the planner walks through them estimating the next scenario's joins
  // (150 ms of planning for the first page, seen).
  if (rowCount) await pool.query("VACUUM (ANALYZE) finding, finding_rank, finding_event");
}
