/**
 * `npm run bench [-- --findings N --repos N --database-url URL --port N --quick]`
 *
 * Starts the server as a separate process (node dist/src/index.js) against a
 * PostgreSQL server (DATABASE_URL, default the local posturegraph_bench
 * database, created and seeded with `seed:scale` when empty), drives it over
 * HTTP from this process, and runs every scenario also as hand-written SQL
 * through `pg` (the floor), so each figure comes with a ratio. Writes
 * test/bench/results.json and prints a table.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { toGlobalId } from "../../src/common/ids";

const ROOT = path.resolve(__dirname, "../../..");
const argv = process.argv.slice(2);
const opt = (k: string, d?: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? (argv[i + 1] && !argv[i + 1].startsWith("--") ? argv[i + 1] : "true") : d; };
const FINDINGS = Number(opt("findings", "1000000"));
const REPOS = Number(opt("repos", String(Math.max(100, Math.round(FINDINGS / 100)))));
const DB_URL = opt("database-url") ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/posturegraph_bench";
const QUICK = opt("quick") === "true";
/** `--only 1,6`: run just those scenarios (numbers as in the table). */
const ONLY = opt("only")?.split(",").map((x) => x.trim());
const want = (n: string) => !ONLY || ONLY.includes(n);
const N = (n: number) => (QUICK ? Math.max(20, Math.round(n / 5)) : n);

import { cursor, ensureDatabase, measure, Row, Rss, Stat, startServer } from "./harness";
import { runIngestScenario } from "./ingest-scenario";

const S1 = `query S1($after: String) {
  findings(first: 50, after: $after, filter: {state: [OPEN], severity: [CRITICAL, HIGH]}, orderBy: {field: PRIORITY, direction: DESC}) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id title severity state owner category vulnerabilityId location { path startLine endLine }
      repository { fullName } organization { name provider } priority { score level factors { key label contribution detail } } } } } }`;
const S1_OPEN = S1.replace("severity: [CRITICAL, HIGH]", "").replace("query S1", "query S1b");
const SQL1 = (severity: boolean, after: boolean) => `
  SELECT f.id, f.title, f.severity, f.state, f.owner, f.category, f.vulnerability_id, f.path, f.start_line, f.end_line, k.priority_score, k.priority_level,
         f.cvss_score, f.fixed_version, f.details, f.first_seen_at, f.due_at, r.full_name, o.name AS org, o.provider,
         (SELECT json_agg(json_build_object('id', cr.id, 'name', cr.name, 'exposed', cr.internet_exposed, 'sensitive', cr.sensitive_data, 'env', cr.environment, 'crit', cr.criticality))
            FROM resource_link rl JOIN cloud_resource cr ON cr.id = rl.resource_id WHERE rl.repository_id = f.repository_id AND cr.gone_at IS NULL) AS resources,
         vi.kev_date_added, vi.kev_ransomware, vi.epss_score, vi.epss_percentile
    FROM finding_rank k JOIN finding f ON f.id = k.finding_id JOIN repository r ON r.id = f.repository_id JOIN devops_organization o ON o.id = f.organization_id
    LEFT JOIN vulnerability_intel vi ON vi.cve = f.vulnerability_id
   WHERE k.state = 'OPEN' ${severity ? "AND k.severity IN ('CRITICAL', 'HIGH')" : ""} ${after ? "AND (k.priority_score, k.finding_id) < ($1::int, $2::uuid)" : ""}
   ORDER BY k.priority_score DESC, k.finding_id DESC LIMIT 51`;
const SUMMARY = `query S3($org: ID) { postureSummary(organization: $org) { totalFindings openFindings bySeverity { severity count } byCategory { category count } byState { state count } byPriorityLevel { level count } } }`;
const SQL_SUMMARY = (org: boolean) => `SELECT state, severity, category, priority_level, count(*)::int AS n FROM finding_rank ${org ? "WHERE organization_id = $1" : ""} GROUP BY 1, 2, 3, 4`;
const REPO = `query S4($name: String!) { repository(fullName: $name) { id fullName visibility organization { name }
  pipelines { name kind definitionPath } environments { name production } deployedTo { name type internetExposed environment criticality }
  findings(first: 50, filter: {state: [OPEN]}, orderBy: {field: PRIORITY, direction: DESC}) { pageInfo { hasNextPage endCursor }
    nodes { id title severity category location { path startLine } priority { score level factors { key contribution } } } } } }`;

const S5 = `query S5($after: String) { exposurePaths(first: 50, after: $after, filter: {severity: [CRITICAL]}) { totalCount pageInfo { hasNextPage endCursor }
  nodes { repository { fullName } pipeline { name } environment { name } resource { name type internetExposed } via confidence maxScore
    openFindings { critical high total } topFindings { id title severity priority { score level } } } } }`;
// The floor: the chains and their finding counts, by hand (no pipeline attribution), the same page.
const SQL5 = `
  WITH paths AS (
    SELECT l.repository_id, l.resource_id, max(l.confidence) AS confidence, array_agg(DISTINCT l.kind) AS via, (array_agg(l.environment_id))[1] AS environment_id
      FROM resource_link l JOIN cloud_resource c ON c.id = l.resource_id AND c.internet_exposed AND c.gone_at IS NULL
      JOIN repository r ON r.id = l.repository_id AND r.gone_at IS NULL GROUP BY 1, 2),
  fs AS (
    SELECT f.repository_id, max(f.priority_score) AS max_score, count(*) AS total, (array_agg(f.finding_id ORDER BY f.priority_score DESC))[1:5] AS top
      FROM finding_rank f WHERE f.state = 'OPEN' AND f.severity = 'CRITICAL' AND f.repository_id IN (SELECT repository_id FROM paths) GROUP BY 1)
  SELECT p.*, fs.*, r.full_name, c.name, c.type, e.name AS env,
         (SELECT json_agg(json_build_object('id', t.id, 'title', t.title, 'score', k.priority_score)) FROM finding t JOIN finding_rank k ON k.finding_id = t.id WHERE t.id = ANY(fs.top)) AS top_findings
    FROM paths p JOIN fs USING (repository_id) JOIN repository r ON r.id = p.repository_id JOIN cloud_resource c ON c.id = p.resource_id
    LEFT JOIN environment e ON e.id = p.environment_id
   ORDER BY fs.max_score DESC, p.repository_id DESC LIMIT 51`;

async function main() {
  const t0 = Date.now();
  await ensureDatabase(DB_URL);
  const pool = new pg.Pool({ connectionString: DB_URL, max: 20 });
  const count = async () => { try { return Number((await pool.query("SELECT count(*) AS n FROM finding")).rows[0].n); } catch { return 0; } };
  let findings = await count();
  if (findings === 0) {
    console.log(`seeding ${FINDINGS.toLocaleString()} findings (${REPOS.toLocaleString()} repositories) with seed:scale ...`);
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist/scripts/seed-scale.js"), "--findings", String(FINDINGS), "--repos", String(REPOS), "--database-url", DB_URL, "--force"], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("seeding failed");
    findings = await count();
  } else if (findings < FINDINGS * 0.9 || findings > FINDINGS * 1.2) {
    console.log(`note: the database holds ${findings.toLocaleString()} findings (asked for ${FINDINGS.toLocaleString()}); measuring what is there (empty it or use another database to reseed)`);
  }

  // The server, as its own process.
  const { base, token, child, stop: stopChild } = await startServer(DB_URL, Number(opt("port", "0")) || undefined);
  const rss = new Rss(child.pid!);
  /** Server CPU time (user + system) in ms, from /proc (clock ticks of 10 ms). */
  const cpuMs = () => { const f = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
  const cpuPerRequest = async (fn: () => Promise<void>, n: number) => { const a = cpuMs(); for (let i = 0; i < n; i++) await fn(); return Math.round(((cpuMs() - a) / n) * 10) / 10; };
  const load0 = os.loadavg()[0];
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (!res.ok || body.errors) throw new Error(`GraphQL error: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
    return body.data;
  };
  // An unused variable makes every request distinct for the response cache (graphql-js ignores undeclared variables).
  let bust = 0;
  const fresh = (query: string, variables: Record<string, unknown> = {}) => gql(query, { ...variables, _uncached: ++bust });
  const sql = async (text: string, params: unknown[] = []) => { await pool.query(text, params); };
  /** Transactions the server ran per request (pg_stat_database; no pg_stat_statements needed). */
  const xacts = async () => {
    await new Promise((r) => setTimeout(r, 1200)); // backends flush their counters about once a second
    const c = await pool.connect();
    try { await c.query("SELECT pg_stat_clear_snapshot()"); return Number((await c.query("SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()")).rows[0].n); } finally { c.release(); }
  };
  const perRequest = async (fn: () => Promise<void>, n = 20) => { const a = await xacts(); for (let i = 0; i < n; i++) await fn(); const b = await xacts(); return Math.round(((b - a - 2) / n) * 10) / 10; };

  const rows: Row[] = [];
  const add = (r: Row) => { if (r.graphql && r.sql) r.ratioP95 = Math.round((r.graphql.p95 / r.sql.p95) * 10) / 10; rows.push(r); console.log(`${r.scenario}: ${JSON.stringify({ graphql: r.graphql, sql: r.sql, ratio: r.ratioP95, ...r.extra })}`); };
  const subscriptionFields: string[] = ((await gql("{ __schema { subscriptionType { fields { name } } } }")).__schema.subscriptionType?.fields ?? []).map((f: { name: string }) => f.name);

  let peakRss = 0, peakRssCached = 0;
  let s1gql: Stat | undefined;

  // 1. First page of open CRITICAL+HIGH by priority. Each request once with distinct (unused) variables, so the
  // response cache misses and the server executes it; then repeated as a dashboard asks it (response cache hits).
  if (want("1")) {
    const s1 = () => fresh(S1).then(() => undefined);
    const s1c = () => gql(S1).then(() => undefined);
    const page1 = await gql(S1);
    if (page1.findings.edges.length !== 50) throw new Error("scenario 1 returned fewer than 50 findings");
    const s1sql = await measure(() => sql(SQL1(true, false)), N(300));
    s1gql = await measure(s1, N(300));
    const s1stmts = await perRequest(s1);
    const s1cpu = await cpuPerRequest(s1, N(200));
    const s1bytes = JSON.stringify(page1).length;
    add({ scenario: "1. first page, 1 client", target: "p95 ≤ 25 ms and ≤ 3× SQL", graphql: s1gql, sql: s1sql, extra: { transactionsPerRequest: s1stmts, serverCpuMsPerRequest: s1cpu, responseBytes: s1bytes } });
    // The same page without the factor explanations (what a list view that opens details on demand asks).
    const S1_LEAN = S1.replace("factors { key label contribution detail }", "").replace("query S1", "query S1lean");
    const lean = () => fresh(S1_LEAN).then(() => undefined);
    add({ scenario: "1'. first page without factors, 1 client", target: "(diagnostic)", graphql: await measure(lean, N(300)), sql: s1sql, extra: { serverCpuMsPerRequest: await cpuPerRequest(lean, N(200)) } });
    add({ scenario: "1'. first page without factors, 20 clients", target: "(diagnostic)", graphql: await measure(lean, N(3000), 20) });
    const s1sql20 = await measure(() => sql(SQL1(true, false)), N(3000), 20);
    rss.start();
    const s1gql20 = await measure(s1, N(3000), 20);
    peakRss = rss.stop();
    add({ scenario: "1. first page, 20 clients", target: "≥ 500 req/s, p99 ≤ 150 ms, RSS ≤ 400 MB", graphql: s1gql20, sql: s1sql20, extra: { serverPeakRssMB: peakRss } });
    add({ scenario: "1c. first page, 1 client, repeated", target: "p95 ≤ 25 ms and ≤ 3× SQL", graphql: await measure(s1c, N(300)), sql: s1sql,
      note: "response cache hits", extra: { serverCpuMsPerRequest: await cpuPerRequest(s1c, N(200)) } });
    rss.start();
    const s1c20 = await measure(s1c, N(3000), 20);
    peakRssCached = rss.stop();
    add({ scenario: "1c. first page, 20 clients, repeated", target: "≥ 500 req/s, p99 ≤ 150 ms, RSS ≤ 400 MB", graphql: s1c20, sql: s1sql20, note: "response cache hits", extra: { serverPeakRssMB: peakRssCached } });
  }

  // 2. Deep page: a cursor for the 500,000th row (or the deepest there is) in that order.
  if (want("2")) {
    const [{ n: matching }] = (await pool.query("SELECT count(*)::int AS n FROM finding WHERE state = 'OPEN' AND severity IN ('CRITICAL', 'HIGH')")).rows;
    const depth = Math.min(500_000, matching - 100);
    const at = (await pool.query(`SELECT priority_score, finding_id AS id FROM finding_rank WHERE state = 'OPEN' AND severity IN ('CRITICAL', 'HIGH') ORDER BY priority_score DESC, finding_id DESC OFFSET ${depth - 1} LIMIT 1`)).rows[0];
    const c2 = cursor(at.priority_score, at.id);
    const s2gql = await measure(() => fresh(S1, { after: c2 }).then(() => undefined), N(300));
    const s2sql = await measure(() => sql(SQL1(true, true), [at.priority_score, at.id]), N(300));
    add({ scenario: `2. deep page after ${depth.toLocaleString()} rows`, target: "≤ 1.5× scenario 1", graphql: s2gql, sql: s2sql, extra: { depth, matching, vsScenario1: s1gql ? Math.round((s2gql.p95 / s1gql.p95) * 100) / 100 : null } });
    const [{ n: openAll }] = (await pool.query("SELECT count(*)::int AS n FROM finding WHERE state = 'OPEN'")).rows;
    if (openAll > 500_100) {
      const at2 = (await pool.query(`SELECT priority_score, finding_id AS id FROM finding_rank WHERE state = 'OPEN' ORDER BY priority_score DESC, finding_id DESC OFFSET 499999 LIMIT 1`)).rows[0];
      const c2b = cursor(at2.priority_score, at2.id);
      const g = await measure(() => fresh(S1_OPEN, { after: c2b }).then(() => undefined), N(300));
      const q = await measure(() => sql(SQL1(false, true), [at2.priority_score, at2.id]), N(300));
      add({ scenario: "2b. all OPEN by priority, after 500,000 rows", target: "(same order without the severity filter)", graphql: g, sql: q });
    }
  }

  // 3. postureSummary, estate and one organization.
  if (want("3")) {
    const [org] = (await pool.query("SELECT organization_id AS id, count(*) AS n FROM finding GROUP BY 1 ORDER BY 2 DESC LIMIT 1")).rows;
    const orgGid = toGlobalId("DevOpsOrganization", org.id);
    const sum = await gql(SUMMARY);
    const exact = (await pool.query("SELECT count(*)::int AS n FROM finding")).rows[0].n;
    if (sum.postureSummary.totalFindings !== exact) throw new Error(`postureSummary total ${sum.postureSummary.totalFindings} != ${exact}`);
    add({ scenario: "3. postureSummary, estate", target: "p95 ≤ 100 ms, exact", graphql: await measure(() => fresh(SUMMARY).then(() => undefined), N(200)), sql: await measure(() => sql(SQL_SUMMARY(false)), N(30), 1, 3), note: "SQL = GROUP BY over findings (no precompute)", extra: { exactTotal: true } });
    add({ scenario: "3. postureSummary, largest organization", target: "p95 ≤ 100 ms", graphql: await measure(() => fresh(SUMMARY, { org: orgGid }).then(() => undefined), N(200)), sql: await measure(() => sql(SQL_SUMMARY(true), [org.id]), N(30), 1, 3), note: "SQL = GROUP BY over the organization's findings" });
  }

  // 4. A repository page: the largest repository (worst case) and a median one.
  if (want("4")) {
    const big = (await pool.query("SELECT r.id, r.full_name FROM repository r JOIN (SELECT repository_id, count(*) n FROM finding GROUP BY 1 ORDER BY 2 DESC LIMIT 1) x ON x.repository_id = r.id")).rows[0];
    const mid = (await pool.query(`SELECT r.id, r.full_name FROM repository r WHERE r.full_name LIKE '%/repo-${Math.floor(REPOS / 2)}' LIMIT 1`)).rows[0] ?? big;
    for (const [label, repo] of [["largest", big], ["median", mid]] as const) {
      const repoSql = async () => {
        await Promise.all([
          pool.query("SELECT r.*, o.name FROM repository r JOIN devops_organization o ON o.id = r.organization_id WHERE lower(r.full_name) = lower($1)", [repo.full_name]),
          pool.query("SELECT name, kind, definition_path FROM pipeline WHERE repository_id = $1 ORDER BY name", [repo.id]),
          pool.query("SELECT name, production FROM environment WHERE repository_id = $1 ORDER BY name", [repo.id]),
          pool.query("SELECT cr.* FROM cloud_resource cr JOIN resource_link rl ON rl.resource_id = cr.id WHERE rl.repository_id = $1 AND cr.gone_at IS NULL ORDER BY cr.name", [repo.id]),
          pool.query(`SELECT f.*, k.priority_score, k.priority_level, vi.* FROM finding_rank k JOIN finding f ON f.id = k.finding_id LEFT JOIN vulnerability_intel vi ON vi.cve = f.vulnerability_id
            WHERE k.repository_id = $1 AND k.state = 'OPEN' ORDER BY k.priority_score DESC, k.finding_id DESC LIMIT 51`, [repo.id]),
        ]);
      };
      const g = () => fresh(REPO, { name: repo.full_name }).then(() => undefined);
      add({ scenario: `4. repository page (${label})`, target: "p95 ≤ 50 ms", graphql: await measure(g, N(200)), sql: await measure(repoSql, N(200)), extra: { transactionsPerRequest: await perRequest(g) } });
    }
  }

  // 5. exposurePaths: internet-exposed resources running code with an open critical finding.
  if (want("5")) {
    const paths = await gql(S5);
    const n = paths.exposurePaths.totalCount as number;
    if (!n) throw new Error("scenario 5: no exposure paths in the estate");
    const g = () => fresh(S5).then(() => undefined);
    add({ scenario: "5. exposurePaths (open CRITICAL), first 50", target: "(no target)", graphql: await measure(g, N(200)), sql: await measure(() => sql(SQL5), N(200)),
      extra: { paths: n, transactionsPerRequest: await perRequest(g) } });
  }

  // 6. Ingestion: a 25,000-result SARIF upload, first and unchanged (ingest-scenario.ts).
  if (want("6")) for (const r of await runIngestScenario({ base, token, pool, rounds: QUICK ? 1 : 3 })) add(r);

  // 7. Subscriptions: 1,000 subscribers in a separate process, events committed at 10/s (test/bench/subscriptions.ts).
  if (!want("7")) { /* skipped */ } else if (subscriptionFields.includes("findingEvents")) add(await (await import("./subscriptions.js")).runSubscriptionScenario({ baseUrl: base, token, pool, durationS: QUICK ? 10 : 20 }));
  else add({ scenario: "7. subscription delivery, 1,000 subscribers", target: "-", note: "not available (no findingEvents subscription on this build)" });

  // Targets.
  const get = (prefix: string) => rows.find((r) => r.scenario.startsWith(prefix))!;
  const check = (prefix: string, ok: () => boolean) => { const r = get(prefix); if (r) r.ok = ok(); };
  const r1 = get("1. first page, 1 client"), r20 = get("1. first page, 20 clients");
  check("1. first page, 1 client", () => r1.graphql!.p95 <= 25 && r1.ratioP95! <= 3);
  check("1. first page, 20 clients", () => r20.graphql!.rps >= 500 && r20.graphql!.p99 <= 150 && peakRss <= 400);
  const c1 = get("1c. first page, 1 client"), c20 = get("1c. first page, 20 clients");
  check("1c. first page, 1 client", () => c1.graphql!.p95 <= 25 && c1.ratioP95! <= 3);
  check("1c. first page, 20 clients", () => c20.graphql!.rps >= 500 && c20.graphql!.p99 <= 150 && peakRssCached <= 400);
  check("2. deep page", () => get("2. deep page").graphql!.p95 <= 1.5 * r1.graphql!.p95);
  check("3. postureSummary, estate", () => get("3. postureSummary, estate").graphql!.p95 <= 100);
  check("3. postureSummary, largest", () => get("3. postureSummary, largest").graphql!.p95 <= 100);
  check("4. repository page (largest)", () => get("4. repository page (largest)").graphql!.p95 <= 50);
  check("4. repository page (median)", () => get("4. repository page (median)").graphql!.p95 <= 50);
  check("6. SARIF 25,000 results, first", () => get("6. SARIF 25,000 results, first").graphql!.max <= 2000);
  check("6. SARIF 25,000 results, unchanged", () => get("6. SARIF 25,000 results, unchanged").graphql!.max <= 1000);

  const result = { at: new Date().toISOString(), loadAverage1m: { start: load0, end: os.loadavg()[0] }, findings, repositories: Number((await pool.query("SELECT count(*) FROM repository")).rows[0].count), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, postgres: (await pool.query("SHOW server_version")).rows[0].server_version }, serverPeakRssMB: peakRss, serverVmHWMMB: Math.round(rss.read().hwm), seconds: Math.round((Date.now() - t0) / 1000), rows };
  fs.writeFileSync(path.join(ROOT, "test/bench/results.json"), JSON.stringify(result, null, 2) + "\n");
  console.log(`\n${findings.toLocaleString()} findings, ${result.repositories.toLocaleString()} repositories; server peak RSS (20 clients) ${peakRss} MB, VmHWM ${result.serverVmHWMMB} MB; load average ${load0.toFixed(1)} -> ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs\n`);
  const f = (s?: Stat) => (s ? `${s.p50} / ${s.p95} / ${s.p99}` : "-");
  console.table(rows.map((r) => ({ scenario: r.scenario, "GraphQL p50/p95/p99 ms": f(r.graphql), "req/s": r.graphql?.rps ?? "-", "SQL p50/p95/p99 ms": f(r.sql), "ratio p95": r.ratioP95 ?? "-", target: r.target, met: r.ok == null ? "-" : r.ok ? "yes" : "NO", note: r.note ?? "" })));
  stopChild();
  await pool.end();
}

main().catch((e) => { console.error(e); process.exit(1); });
