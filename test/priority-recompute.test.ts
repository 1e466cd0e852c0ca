/**
 * Rescoring in SQL (src/priority/priority.sql.ts) gives exactly what the pure
 * strategy computes, and the recomputes callers trigger leave every affected
 * finding at a fresh computation, with PRIORITY_CHANGED exactly for level changes.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { sarif, upsertResources, uploadSarif, yor } from "./helpers/cloud";
import { Gen, rng } from "./fixtures/priority.fixtures";
import { DEFAULT_PRIORITY_POLICY, PriorityPolicy, priorityLevel, validatePriorityPolicy, PriorityRow, PriorityService } from "../src/priority";

const ORG_REPOS = ["calc/a", "calc/b", "calc/c", "calc/d"];

/** Findings as the JavaScript path reads them, with their stored priority. */
async function stored(app: TestApp, where = "TRUE"): Promise<(PriorityRow & { id: string; priorityScore: number; priorityLevel: string })[]> {
  const rows = await app.db.dataSource.query(
    `SELECT f.id, f.repository_id, f.category, f.severity, f.state, cvss_score, vulnerability_id, fixed_version, details, first_seen_at, due_at, r.priority_score, r.priority_level
       FROM finding f JOIN finding_rank r ON r.finding_id = f.id WHERE ${where} ORDER BY f.id`);
  return rows.map((r: Record<string, any>) => ({
    id: r.id, repositoryId: r.repository_id, category: r.category, severity: r.severity, state: r.state, cvssScore: r.cvss_score,
    vulnerabilityId: r.vulnerability_id, fixedVersion: r.fixed_version, details: r.details, firstSeenAt: r.first_seen_at, dueAt: r.due_at,
    priorityScore: r.priority_score, priorityLevel: r.priority_level,
  }));
}

/** Asserts stored score and level == compute() now, for every finding matching `where`; returns how many. */
async function assertFresh(app: TestApp, svc: PriorityService, policy: PriorityPolicy, now: Date, where = "TRUE"): Promise<number> {
  const rows = await stored(app, where);
  const ctx = await svc.context(app.db.dataSource.manager, [...new Set(rows.map((r) => r.repositoryId))], rows.map((r) => r.vulnerabilityId ?? ""));
  for (const r of rows) {
    const p = svc.compute(r, ctx, policy, now);
    assert.deepEqual([r.priorityScore, r.priorityLevel], [p.score, p.level], `finding ${JSON.stringify({ ...r, resources: ctx.resources.get(r.repositoryId) })}`);
  }
  return rows.length;
}

describe("priority recompute in SQL equals the strategy", () => {
  let app: TestApp;
  let repoIds: string[];
  before(async () => {
    app = await startTestApp();
    for (const repo of ORG_REPOS) await uploadSarif(app, repo, sarif("Seed", [{ ruleId: "seed", securitySeverity: 5 }]));
    repoIds = (await app.db.dataSource.query(`SELECT id FROM repository WHERE full_name = ANY($1) ORDER BY full_name`, [ORG_REPOS])).map((r: { id: string }) => r.id);
    const [{ organization_id: org }] = await app.db.dataSource.query(`SELECT organization_id FROM repository WHERE id = $1`, [repoIds[0]]);
    // Random findings covering every input the strategy reads, including the odd ones: float CVSS and EPSS
    // (stored as real), NaN, microsecond timestamps, details of the wrong JSON type, an empty fixed version.
    const g = new Gen(rng(7));
    const base = Date.UTC(2025, 0, 1);
    const rows = Array.from({ length: 1500 }, (_, i) => {
      const firstSeen = new Date(base - g.int(0, 400) * 86_400_000 - g.int(0, 86_399_999)).toISOString().replace("Z", `${g.int(0, 999)}Z`.padStart(4, "0"));
      const details: Record<string, unknown> = {};
      if (g.bool(0.3)) details.secretValidity = g.pick(["active", "inactive", "unknown", "ACTIVE", true, 1, null]);
      if (g.bool(0.4)) details.fixAvailable = g.pick([true, false, "true", null, 0]);
      if (g.bool(0.4)) details.dependencyScope = g.pick(["runtime", "development", "unknown", "test", 5]);
      return {
        repo: g.pick(repoIds), fp: `rand-${i}`, category: g.pick(["CODE", "SECRET", "DEPENDENCY", "IAC", "CONTAINER", "POSTURE"]),
        severity: g.pick(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]), state: g.pick(["OPEN", "OPEN", "FIXED", "DISMISSED"]),
        cvss: g.bool(0.1) ? "NaN" : g.bool(0.6) ? String(g.pick([g.rand() * 10, Math.round(g.rand() * 100) / 10, 2.8, 6.45, 2.5, 0.05, 11, -1])) : null,
        cve: g.bool(0.6) ? `CVE-2024-${g.int(1001, 1040)}` : null, fixed: g.pick([null, null, "", "1.2.3"]),
        details: g.bool(0.05) ? JSON.stringify(g.pick(["x", [1], 3])) : JSON.stringify(details),
        firstSeen, due: g.bool(0.3) ? new Date(Date.parse(firstSeen) + g.int(-5, 90) * 86_400_000 + g.int(0, 5)).toISOString() : null,
      };
    });
    const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
    await app.db.dataSource.query(
      `WITH u AS MATERIALIZED (SELECT uuid_v7() AS id, u.*
         FROM unnest($2::uuid[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::text[], $8::varchar[], $9::varchar[], $10::text[], $11::timestamptz[], $12::timestamptz[])
              AS u(repo, fp, cat, sev, state, cvss, cve, fixed, details, seen, due)),
       ins AS (INSERT INTO finding (id, organization_id, repository_id, analysis_category, fingerprint, source, title, category, severity, severity_rank, state, rule_id, tool,
                            vulnerability_id, cvss_score, fixed_version, details, first_seen_at, last_seen_at, due_at)
         SELECT u.id, $1, u.repo, 'rand', u.fp, 'test', 'random', u.cat, u.sev, 0, u.state, 'rand', 'rand', u.cve, u.cvss::real, u.fixed, u.details::jsonb, u.seen, u.seen, u.due FROM u)
       INSERT INTO finding_rank (finding_id, organization_id, repository_id, state, severity, category, priority_score, priority_level)
         SELECT u.id, $1, u.repo, u.state, u.sev, u.cat, 0, 'P4' FROM u`,
      [org, col("repo"), col("fp"), col("category"), col("severity"), col("state"), col("cvss"), col("cve"), col("fixed"), col("details"), col("firstSeen"), col("due")]);
    await app.db.dataSource.query(
      `INSERT INTO vulnerability_intel (cve, kev_date_added, kev_ransomware, epss_score, epss_percentile)
       SELECT 'CVE-2024-' || (1000 + i), CASE WHEN i % 3 = 0 THEN DATE '2024-05-01' + i END, i % 6 = 0, CASE WHEN i = 7 THEN 0.04 WHEN i % 4 <> 1 THEN ((i * 7919) % 1000) / 997.0 END, 0.5
         FROM generate_series(1, 30) i`);
    // Four contexts: exposed production (with a padded, upper-case environment name), internal, two resources, none.
    await upsertResources(app, [
      { provider: "AWS", type: "t", externalId: "r-a", name: "edge", environment: " PRODUCTION ", internetExposed: true, criticality: "HIGH", tags: yor("calc", "a") },
      { provider: "AWS", type: "t", externalId: "r-b", name: "worker", environment: "staging", sensitiveData: true, tags: yor("calc", "b") },
      { provider: "AWS", type: "t", externalId: "r-c1", name: "db", environment: "prod", criticality: "CRITICAL", tags: yor("calc", "c") },
      { provider: "AWS", type: "t", externalId: "r-c2", name: "web", internetExposed: true, tags: yor("calc", "c") },
    ]);
  });
  after(async () => { await app?.stop(); });

  test("every random finding, default policy and an unusual one: stored == compute() at the same instant", async () => {
    const svc = app.services.priority;
    const now = new Date(Date.UTC(2025, 0, 1, 12, 0, 0, 1));
    const r = await app.db.dataSource.transaction((tx) => svc.recompute(tx, { all: true }, now));
    assert.ok(r.scanned >= 1500 && r.changed > 0 && r.levelChanged > 0, JSON.stringify(r));
    assert.ok(await assertFresh(app, svc, await svc.policy(), now) >= 1500);

    // Fractional points per CVSS point, EPSS and overdue weights that round, other cut-offs. CVSS 2.8 × 1.25 and
    // 2.5 × √0.04 are exactly ½ as JavaScript computes them, a hair under ½ from the raw `real`: rounding tells them apart.
    const odd = validatePriorityPolicy({ ...DEFAULT_PRIORITY_POLICY, version: 9, cvss: { ...DEFAULT_PRIORITY_POLICY.cvss, pointsPerCvssPoint: 1.25 },
      epss: { maxPoints: 2.5 }, secretValidity: { active: 9, unknown: 5, inactive: 0 }, sla: { ...DEFAULT_PRIORITY_POLICY.sla, overduePerWeek: 0.3, overdueMax: 3.5 }, levels: { P0: 55, P1: 41, P2: 27, P3: 13 } });
    const oddSvc = new PriorityService(app.db.dataSource);
    oddSvc.policy = async () => odd;
    const later = new Date(now.getTime() + 3 * 86_400_000 + 1);
    await app.db.dataSource.transaction((tx) => oddSvc.recompute(tx, { all: true }, later));
    await assertFresh(app, oddSvc, odd, later);
    // Back to the stored policy for the next test.
    await app.db.dataSource.transaction((tx) => svc.recompute(tx, { all: true }, now));
  });

  test("a strategy without a SQL form rescores through compute() to the same stored values", async () => {
    const svc = app.services.priority;
    const js = new PriorityService(app.db.dataSource, { compute: (input, policy) => svc.strategy.compute(input, policy) });
    assert.equal(js.strategy.sql, undefined);
    const now = new Date(Date.UTC(2025, 0, 20));
    const before = await stored(app);
    await app.db.dataSource.transaction((tx) => js.recompute(tx, { all: true }, now));
    const viaJs = await stored(app);
    await app.db.dataSource.transaction((tx) => svc.recompute(tx, { all: true }, new Date(Date.UTC(2025, 0, 1, 12, 0, 0, 1))));
    await app.db.dataSource.transaction((tx) => svc.recompute(tx, { all: true }, now));
    assert.deepEqual(await stored(app), viaJs);
    assert.notDeepEqual(before, viaJs, "time moved the overdue findings");
  });

  test("exposure change and KEV import through the API: every affected finding is fresh, PRIORITY_CHANGED exactly for level changes", async () => {
    const svc = app.services.priority;
    await app.db.dataSource.transaction((tx) => svc.recompute(tx, { all: true }));
    const levels = async () => new Map((await stored(app)).map((r) => [r.id, `${r.priorityScore}/${r.priorityLevel}`]));
    const maxSeq = async () => (await app.db.dataSource.query(`SELECT coalesce(max(seq), 0)::text AS s FROM finding_event`))[0].s as string;
    const check = async (before: Map<string, string>, since: string, affected: string) => {
      assert.ok(await assertFresh(app, svc, await svc.policy(), new Date(), affected) > 0);
      const after = await levels();
      const moved = [...after].filter(([id, v]) => v.split("/")[1] !== before.get(id)!.split("/")[1]).map(([id]) => id).sort();
      const events: { finding_id: string; payload: any }[] = await app.db.dataSource.query(
        `SELECT finding_id, payload FROM finding_event WHERE seq > $1 AND type = 'PRIORITY_CHANGED' ORDER BY finding_id`, [since]);
      assert.deepEqual(events.map((e) => e.finding_id), moved);
      for (const e of events) {
        assert.equal(`${e.payload.from.score}/${e.payload.from.level}`, before.get(e.finding_id));
        assert.equal(`${e.payload.to.score}/${e.payload.to.level}`, after.get(e.finding_id));
        assert.equal(e.payload.to.level, priorityLevel(e.payload.to.score, await svc.policy()));
      }
      return { moved: moved.length, changed: [...after].filter(([id, v]) => v !== before.get(id)).length };
    };

    let before = await levels(); let since = await maxSeq();
    await upsertResources(app, [{ provider: "AWS", type: "t", externalId: "r-b", name: "worker", environment: "production", internetExposed: true, sensitiveData: true, tags: yor("calc", "b") }]);
    const flip = await check(before, since, `f.repository_id = '${repoIds[1]}'`);
    assert.ok(flip.moved > 0, JSON.stringify(flip));
    const onlyB = (await stored(app)).filter((r) => `${r.priorityScore}/${r.priorityLevel}` !== before.get(r.id));
    assert.ok(onlyB.every((r) => r.repositoryId === repoIds[1]), "only the reaching repository moved");

    before = await levels(); since = await maxSeq();
    const kev = { title: "t", count: 2, vulnerabilities: [1, 2, 4, 5].map((i) => ({ cveID: `CVE-2024-${1000 + i}`, vendorProject: "v", product: "p", vulnerabilityName: "n",
      dateAdded: "2025-03-01", shortDescription: "s", requiredAction: "a", dueDate: "2025-04-01", knownRansomwareCampaignUse: i === 2 ? "Known" : "Unknown", notes: "", cwes: [] })) };
    const res = await app.fetch("/ingest/kev", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(kev) });
    assert.equal(res.status, 200, await res.clone().text());
    const keved = await check(before, since, `vulnerability_id IN ('CVE-2024-1001', 'CVE-2024-1002', 'CVE-2024-1004', 'CVE-2024-1005')`);
    assert.ok(keved.changed > 0, JSON.stringify(keved));
    assert.ok((await stored(app)).filter((r) => `${r.priorityScore}/${r.priorityLevel}` !== before.get(r.id))
      .every((r) => ["CVE-2024-1001", "CVE-2024-1002", "CVE-2024-1004", "CVE-2024-1005"].includes(r.vulnerabilityId ?? "")));

    // Through the API too: the stored score equals the sum of the factors the resolver computes now.
    const r = await app.gql(`{ findings(first: 100, filter: {repository: ["calc/b"]}) { nodes { priority { score level factors { contribution } } } } }`);
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    for (const n of r.body.data.findings.nodes) {
      assert.equal(n.priority.score, n.priority.factors.reduce((a: number, f: { contribution: number }) => a + f.contribution, 0));
    }
  });
});
