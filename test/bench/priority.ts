/**
 * Priority recomputation benchmark (not part of npm test):
 *
 *   npm run build && TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node dist/test/bench/priority.js [findings]
 *
 * On a fresh schema: bulk-inserts N synthetic findings (default 1,000,000) with
 * unnest in batches, scores them all once (the cost of a policy change), then
 * measures through the public API: a resource that 100,000 findings reach
 * turning internet-exposed, a KEV import touching 50,000 findings, and the
 * first page of findings(orderBy: PRIORITY) (with the EXPLAIN of its SQL).
 * The flip and the KEV import are repeated (BENCH_REPEAT, default 3: exposed
 * on/off, ransomware use Known/Unknown) and reported as medians, next to the
 * floor: the same rows changed by one hand-written UPDATE (rolled back).
 * The server here runs with autovacuum off: dead tuples of each round stay,
 * and they make the next round's UPDATE up to 3× slower; BENCH_VACUUM=1
 * vacuums finding_rank before each round (untimed), as autovacuum would between
 * infrequent context changes.
 */
import crypto from "node:crypto";
import { startTestApp, TestApp } from "../helpers/app";
import { loadConfig } from "../../src/config";

const N = Number(process.argv[2] ?? 1_000_000);
const REACHED = Math.min(100_000, Math.floor(N / 10));
const KEV_FINDINGS = Math.min(50_000, Math.floor(N / 20));
const KEV_CVES = 500;
const BATCH = 50_000;
const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"];
const RANK: Record<string, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, INFO: 0 };
const CATEGORIES = ["CODE", "DEPENDENCY", "SECRET", "IAC", "CONTAINER"];
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const VACUUM = process.env.BENCH_VACUUM === "1";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e6;

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = process.hrtime.bigint();
  const r = await fn();
  console.log(`${label}: ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms`);
  return r;
}

async function gql(app: TestApp, query: string, variables?: Record<string, unknown>): Promise<any> {
  const r = await app.gql(query, variables);
  if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
  return r.body.data;
}

async function firstPage(app: TestApp, label: string): Promise<void> {
  const q = `{ findings(first: 50, orderBy: {field: PRIORITY, direction: DESC}, filter: {state: [OPEN]}) { nodes { id priority { score level } } } }`;
  await gql(app, q);
  const runs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = process.hrtime.bigint();
    await gql(app, q);
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label}: findings(first: 50, orderBy: PRIORITY, state OPEN) median ${runs[5].toFixed(1)} ms (min ${runs[0].toFixed(1)})`);
}

async function main(): Promise<void> {
  if (!process.env.TEST_DATABASE_URL) throw new Error("set TEST_DATABASE_URL (a PostgreSQL server; a fresh schema is used and dropped)");
  // A slow run should be measured, not cut off by the GraphQL execution limit.
  const limits = loadConfig({}, { dotenv: false }).limits;
  const app = await startTestApp({ limits: { ...limits, executionTimeoutMs: 600_000 } });
  const ds = app.db.dataSource;
  try {
    const [org] = await ds.query(`INSERT INTO devops_organization (name, provider) VALUES ('bench', 'GITHUB') RETURNING id`);
    const repos: string[] = [];
    for (let i = 0; i < 20; i++) {
      const [r] = await ds.query(`INSERT INTO repository (organization_id, name, full_name, source) VALUES ($1, $2, $3, 'bench') RETURNING id`, [org.id, `svc${i}`, `bench/svc${i}`]);
      repos.push(r.id);
    }
    await firstPage(app, "empty table");
    // repo 0 holds REACHED findings; the rest spread over the others. The first KEV_FINDINGS of the others carry KEV CVEs.
    const now = Date.now();
    await timed(`insert ${N} findings (unnest, batches of ${BATCH})`, async () => {
      for (let start = 0; start < N; start += BATCH) {
        const n = Math.min(BATCH, N - start);
        const cols = { repo: [] as string[], fp: [] as string[], sev: [] as string[], rank: [] as number[], cat: [] as string[], vuln: [] as (string | null)[], cvss: [] as (number | null)[], seen: [] as string[] };
        for (let k = 0; k < n; k++) {
          const i = start + k;
          const other = i - REACHED;
          cols.repo.push(i < REACHED ? repos[0] : repos[1 + (i % 19)]);
          cols.fp.push(crypto.createHash("sha1").update(String(i)).digest("hex"));
          const sev = SEVERITIES[i % 5];
          cols.sev.push(sev); cols.rank.push(RANK[sev]);
          cols.cat.push(CATEGORIES[i % 5]);
          const kev = other >= 0 && other < KEV_FINDINGS;
          cols.vuln.push(kev ? `CVE-2099-${10000 + (other % KEV_CVES)}` : i % 3 === 0 ? `CVE-2098-${10000 + (i % 20000)}` : null);
          cols.cvss.push(i % 2 ? 5 + (i % 50) / 10 : null);
          cols.seen.push(new Date(now - (i % 100) * 86400000).toISOString());
        }
        await ds.query(
          `WITH u AS MATERIALIZED (SELECT uuid_v7() AS id, u.*
             FROM unnest($2::uuid[], $3::varchar[], $4::varchar[], $5::smallint[], $6::varchar[], $7::varchar[], $8::real[], $9::timestamptz[])
                  AS u(repo, fp, sev, rank, cat, vuln, cvss, seen)),
           ins AS (INSERT INTO finding (id, organization_id, repository_id, analysis_category, fingerprint, source, title, category, severity, severity_rank, state, rule_id, tool,
                                vulnerability_id, cvss_score, details, first_seen_at, last_seen_at)
             SELECT u.id, $1, u.repo, 'bench', u.fp, 'bench', 'synthetic finding', u.cat, u.sev, u.rank, 'OPEN', 'bench-rule', 'bench', u.vuln, u.cvss, '{}'::jsonb,
                    u.seen, u.seen FROM u)
           INSERT INTO finding_rank (finding_id, organization_id, repository_id, state, severity, category, priority_score, priority_level)
             SELECT u.id, $1, u.repo, 'OPEN', u.sev, u.cat, 0, 'P4' FROM u`,
          [org.id, cols.repo, cols.fp, cols.sev, cols.rank, cols.cat, cols.vuln, cols.cvss, cols.seen]);
      }
    });
    await ds.query("ANALYZE finding; ANALYZE finding_rank");
    if (process.env.BENCH_SKIP_FULL) {
      // Score only what the later steps do not touch, so the exposure flip starts from current scores.
      await timed("score the reached repository once", () => ds.transaction((tx) => app.services.priority.recompute(tx, { repositoryIds: [repos[0]] })));
    } else {
    const all = await timed(`score all ${N} findings (what a policy change costs)`, () => ds.transaction((tx) => app.services.priority.recompute(tx, { all: true })));
    console.log(`  scanned ${all.scanned}, changed ${all.changed}, level changes ${all.levelChanged}`);
    }
    await ds.query("VACUUM ANALYZE finding");
    await ds.query("VACUUM ANALYZE finding_rank");

    const resource = { provider: "AWS", type: "AWS::ECS::Service", externalId: "arn:bench:big", name: "big-service", environment: "production", criticality: "CRITICAL",
      tags: [{ key: "git_org", value: "bench" }, { key: "git_repo", value: "svc0" }] };
    const M = `mutation($input: [CloudResourceInput!]!) { upsertCloudResources(input: $input) { created updated linksAdded findingsRescored } }`;
    const linked = await timed(`new IaC link reaching ${REACHED} findings (upsertCloudResources → rescore → commit)`, () => gql(app, M, { input: [resource] }));
    console.log("  ", JSON.stringify(linked.upsertCloudResources));
    const flips: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      if (VACUUM) await ds.query("VACUUM finding_rank");
      const events0 = (await ds.query(`SELECT count(*)::int AS n FROM finding_event`))[0].n;
      const t = process.hrtime.bigint();
      const exposed = await gql(app, M, { input: [{ ...resource, internetExposed: i % 2 === 0 }] });
      flips.push(ms(t));
      const events1 = (await ds.query(`SELECT count(*)::int AS n FROM finding_event`))[0].n;
      console.log(`resource turns internet-${i % 2 === 0 ? "exposed" : "internal"}, ${REACHED} findings reach it (upsertCloudResources → rescore → commit): ${flips[i].toFixed(0)} ms`,
        JSON.stringify(exposed.upsertCloudResources), `PRIORITY_CHANGED events: ${events1 - events0}`);
    }

    const kevs: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const catalog = { title: "bench", count: 1, vulnerabilities: Array.from({ length: KEV_CVES }, (_, k) => ({
        cveID: `CVE-2099-${10000 + k}`, vendorProject: "Bench", product: "p", vulnerabilityName: "v", dateAdded: "2025-01-01", shortDescription: "s",
        requiredAction: "a", dueDate: "2025-02-01", knownRansomwareCampaignUse: (k % 10 === 0) !== (i % 2 === 1) ? "Known" : "Unknown", notes: "", cwes: [] })) };
      if (VACUUM) await ds.query("VACUUM finding_rank");
      const t = process.hrtime.bigint();
      const r = await app.fetch("/ingest/kev", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(catalog) });
      const kev = await r.json();
      kevs.push(ms(t));
      console.log(`KEV import of ${KEV_CVES} CVEs touching ${KEV_FINDINGS} findings (POST /ingest/kev → rescore → commit)${i ? " (ransomware use flipped)" : ""}: ${kevs[i].toFixed(0)} ms`, JSON.stringify(kev));
    }

    // The floor: the same rows changed by hand-written SQL, no events, rolled back.
    const floor = async (sql: string): Promise<number[]> => {
      const runs: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        if (VACUUM) await ds.query("VACUUM finding_rank");
        await ds.transaction(async (tx) => {
          const t = process.hrtime.bigint();
          await tx.query(sql);
          runs.push(ms(t));
          throw new Error("rollback");
        }).catch((e: Error) => { if (e.message !== "rollback") throw e; });
      }
      return runs;
    };
    const flipFloor = await floor(`UPDATE finding_rank SET priority_score = priority_score + 1 WHERE repository_id = '${repos[0]}'`);
    const kevFloor = await floor(`UPDATE finding_rank r SET priority_score = r.priority_score + 1 FROM finding f WHERE f.id = r.finding_id AND f.vulnerability_id LIKE 'CVE-2099-%'`);
    console.log(`MEDIAN exposure flip ${median(flips).toFixed(0)} ms (runs ${flips.map((x) => x.toFixed(0)).join(", ")}), floor (bare UPDATE of the same rows) ${median(flipFloor).toFixed(0)} ms (${flipFloor.map((x) => x.toFixed(0)).join(", ")})`);
    console.log(`MEDIAN KEV import ${median(kevs).toFixed(0)} ms (runs ${kevs.map((x) => x.toFixed(0)).join(", ")}), floor ${median(kevFloor).toFixed(0)} ms (${kevFloor.map((x) => x.toFixed(0)).join(", ")})`);

    await firstPage(app, `${N} findings`);
    for (const [label, sql] of [
      ["state OPEN", `SELECT f.*, r.priority_score, r.priority_level FROM finding f JOIN finding_rank r ON r.finding_id = f.id WHERE r.state = $1 ORDER BY r.priority_score DESC, r.finding_id DESC LIMIT 51`],
      ["no filter", `SELECT f.*, r.priority_score, r.priority_level FROM finding f JOIN finding_rank r ON r.finding_id = f.id ORDER BY r.priority_score DESC, r.finding_id DESC LIMIT 51`],
    ] as const) {
      const plan: { "QUERY PLAN": string }[] = await ds.query(`EXPLAIN ANALYZE ${sql}`, sql.includes("$1") ? ["OPEN"] : []);
      console.log(`EXPLAIN (${label}):\n  ${plan.map((p) => p["QUERY PLAN"]).join("\n  ")}`);
    }
  } finally {
    await app.stop();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
