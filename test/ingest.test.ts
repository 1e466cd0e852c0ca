import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { startTestApp, TestApp } from "./helpers/app";
import { count, postIngest, repoId, shiftLines, states } from "./helpers/ingest";
import { fixtureBytes, loadMutable, realFixturesDir } from "./fixtures/real-fixtures";
import { parseCycloneDx, parseJsonSafely, parseSarif } from "../src/formats";

const FIXTURES = fs.readdirSync(realFixturesDir()).filter((f) => f.endsWith(".sarif") || f.startsWith("cyclonedx-"));

describe("POST /ingest/sarif and /ingest/cyclonedx", () => {
  let app: TestApp;
  before(async () => { app = await startTestApp(); });
  after(async () => { await app?.stop(); });

  for (const name of FIXTURES) {
    test(`real fixture ${name} ingests with the parser's counts, and a re-upload changes nothing`, async () => {
      const cdx = name.startsWith("cyclonedx-");
      const doc = parseJsonSafely(fixtureBytes(name));
      const parsed = cdx ? parseCycloneDx(doc) : parseSarif(doc);
      const expected = parsed.runs.reduce((n, r) => n + r.findings.length, 0);
      const suppressed = parsed.runs.reduce((n, r) => n + r.findings.filter((f) => f.suppressed).length, 0);
      const repository = `fixtures/${name.replace(/\W/g, "-")}`;
      const opts = cdx ? { format: "cyclonedx" as const, type: "application/vnd.cyclonedx+json" } : {};
      const first = await postIngest(app, { repository, commit: "abc123" }, fixtureBytes(name), opts);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.status, "completed");
      assert.match(first.body.id, /^[A-Za-z0-9_-]+$/);
      assert.equal(first.body.results, expected);
      assert.equal(first.body.created, expected);
      assert.equal(first.body.dismissed, suppressed);
      assert.deepEqual([first.body.updated, first.body.unchanged, first.body.fixed, first.body.reopened], [0, 0, 0, 0]);
      assert.ok(Array.isArray(first.body.warnings));
      const id = await repoId(app, repository);
      assert.equal(await count(app, "finding", "WHERE repository_id = $1", [id]), expected);
      const events = await count(app, "finding_event");

      const again = await postIngest(app, { repository, commit: "abc123" }, fixtureBytes(name), opts);
      assert.equal(again.status, 200);
      assert.equal(again.body.unchanged, expected);
      assert.deepEqual([again.body.created, again.body.updated, again.body.fixed, again.body.reopened], [0, 0, 0, 0]);
      assert.equal(await count(app, "finding_event"), events, "a re-upload appends no event");
    });
  }

  test("the repository is created under a GENERIC organization named by the owner; names match case-insensitively", async () => {
    const r1 = await postIngest(app, { repository: "Fabrikam/Payments/API" }, fixtureBytes("eslint.sarif"));
    assert.equal(r1.status, 200);
    const r2 = await postIngest(app, { repository: "fabrikam/payments/api" }, fixtureBytes("eslint.sarif"));
    assert.equal(r2.body.unchanged, 1);
    const orgs = await app.db.dataSource.query(`SELECT name, provider FROM devops_organization WHERE name = 'Fabrikam'`);
    assert.deepEqual(orgs, [{ name: "Fabrikam", provider: "GENERIC" }]);
    assert.equal(await count(app, "repository", "WHERE lower(full_name) = 'fabrikam/payments/api'"), 1);
    // By repository ID too, and the run is listable.
    const repo = await app.gql(`{ repository(fullName: "fabrikam/payments/api") { id } }`);
    const byId = await postIngest(app, { repository: repo.body.data.repository.id }, fixtureBytes("eslint.sarif"));
    assert.equal(byId.status, 200);
    assert.equal(byId.body.unchanged, 1);
    const runs = await app.gql(`query($r: ID) { importRuns(repository: $r, first: 10) { nodes { id status results format } } }`, { r: repo.body.data.repository.id });
    assert.equal(runs.body.data.importRuns.nodes.length, 3);
    assert.ok(runs.body.data.importRuns.nodes.some((n: any) => n.id === byId.body.id && n.status === "completed" && n.format === "SARIF"));
  });

  test("line shifts create nothing; removing a result fixes exactly it; putting it back reopens it", async () => {
    const repository = "acme/lifecycle";
    const log = loadMutable("semgrep.sarif");
    const total = log.runs[0].results.length;
    const first = await postIngest(app, { repository }, log);
    assert.equal(first.body.created, 77);

    const shifted = structuredClone(log);
    shiftLines(shifted, 7);
    const s = await postIngest(app, { repository }, shifted);
    assert.equal(s.status, 200);
    assert.equal(s.body.created, 0);
    assert.equal(s.body.fixed, 0);
    assert.equal(s.body.updated + s.body.unchanged, 77);

    const removed = structuredClone(shifted);
    removed.runs[0].results.pop();
    const before = await states(app, repository);
    const r = await postIngest(app, { repository }, removed);
    assert.equal(r.body.fixed, 1);
    assert.equal(r.body.created, 0);
    assert.equal(r.body.unchanged, total - 1);
    const afterFix = await states(app, repository);
    const changed = afterFix.filter((x) => !before.includes(x));
    assert.equal(changed.length, 1);
    assert.match(changed[0], /\|FIXED$/);

    const back = await postIngest(app, { repository }, shifted);
    assert.equal(back.body.reopened, 1);
    assert.equal(back.body.created, 0);
    assert.deepEqual(await states(app, repository), before);
    const fp = changed[0].split("|")[1];
    const ev = await app.db.dataSource.query(
      `SELECT e.type FROM finding_event e JOIN finding f ON f.id = e.finding_id WHERE f.fingerprint = $1 AND f.repository_id = $2 ORDER BY e.seq`,
      [fp, await repoId(app, repository)]);
    assert.deepEqual(ev.map((e: any) => e.type).filter((t: string) => t !== "UPDATED"), ["CREATED", "FIXED", "REOPENED"]);
  });

  test("an upload of another analysis category leaves the first one's findings alone", async () => {
    const repository = "acme/categories";
    await postIngest(app, { repository }, fixtureBytes("semgrep.sarif"));
    const before = await states(app, repository);
    const t = await postIngest(app, { repository }, fixtureBytes("trivy-image.sarif"));
    assert.equal(t.body.created, 4);
    assert.equal(t.body.fixed, 0);
    const afterT = await states(app, repository);
    assert.deepEqual(afterT.filter((x) => x.startsWith("Semgrep")), before);
    // An empty complete run of the trivy category fixes trivy only.
    const empty = loadMutable("trivy-image.sarif");
    empty.runs[0].results = [];
    const e = await postIngest(app, { repository }, empty);
    assert.equal(e.body.fixed, 4);
    assert.deepEqual((await states(app, repository)).filter((x) => x.startsWith("Semgrep")), before);
  });

  test("a pull-request ref stores observations and changes no default-branch finding", async () => {
    const repository = "acme/prs";
    await postIngest(app, { repository, ref: "refs/heads/main" }, fixtureBytes("semgrep.sarif"));
    const [repo] = await app.db.dataSource.query(`SELECT default_branch FROM repository WHERE full_name = $1`, [repository]);
    assert.equal(repo.default_branch, "main");
    const before = await app.db.dataSource.query(`SELECT fingerprint, state, updated_at, last_seen_at FROM finding WHERE repository_id = $1 ORDER BY fingerprint`, [await repoId(app, repository)]);
    const events = await count(app, "finding_event");
    const pr = loadMutable("semgrep.sarif");
    pr.runs[0].results = pr.runs[0].results.slice(0, 10);
    const r = await postIngest(app, { repository, ref: "refs/pull/7/merge", commit: "def" }, pr);
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.results, r.body.created, r.body.updated, r.body.fixed, r.body.reopened], [10, 10, 0, 0, 0]);
    const again = await postIngest(app, { repository, ref: "refs/pull/7/merge", commit: "def2" }, pr);
    assert.equal(again.body.created, 10);
    assert.equal(await count(app, "finding_observation", "WHERE ref = 'refs/pull/7/merge'"), 10, "replaced wholesale, not appended");
    // master is not the default once main was learned.
    await postIngest(app, { repository, ref: "refs/heads/master" }, pr);
    const afterRows = await app.db.dataSource.query(`SELECT fingerprint, state, updated_at, last_seen_at FROM finding WHERE repository_id = $1 ORDER BY fingerprint`, [await repoId(app, repository)]);
    assert.deepEqual(afterRows, before);
    assert.equal(await count(app, "finding_event"), events);
  });

  test("concurrent uploads end in the same state as the same uploads one after another", async () => {
    const base = loadMutable("semgrep.sarif");
    const logs = [0, 1, 2, 3, 4].map((i) => {
      const l = structuredClone(base);
      l.runs[0].results = l.runs[0].results.filter((_r: unknown, j: number) => j % 5 !== i);
      return l;
    });
    const repository = "acme/concurrent";
    const results = await Promise.all(logs.map((l, i) => postIngest(app, { repository, category: "ci", commit: `c${i}` }, l)));
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    // Commit order: each run's end is stamped inside its transaction, after the scope lock.
    const runs: { commit_sha: string }[] = await app.db.dataSource.query(
      `SELECT commit_sha FROM import_run WHERE repository_id = $1 ORDER BY started_at + duration_ms * interval '1 millisecond', commit_sha`, [await repoId(app, repository)]);
    const order = runs.map((r) => Number(r.commit_sha.slice(1)));
    const last = order[order.length - 1];
    const seqRepo = "acme/sequential";
    for (const i of [...order.filter((i) => i !== last), last]) {
      const r = await postIngest(app, { repository: seqRepo, category: "ci", commit: `c${i}` }, logs[i]);
      assert.equal(r.status, 200);
    }
    const conc = await states(app, repository);
    assert.equal(conc.length, 77);
    assert.deepEqual(conc, await states(app, seqRepo));
    assert.equal(conc.filter((s) => s.endsWith("|OPEN")).length, logs[last].runs[0].results.length);
  });

  test("GraphQL ingestSarif and ingestCycloneDx reuse the same path", async () => {
    const sarif = JSON.parse(fixtureBytes("gitleaks.sarif").toString("utf8"));
    const m = `mutation($input: IngestSarifInput!) { ingestSarif(input: $input) { id status results created updated unchanged fixed reopened dismissed warnings } }`;
    const r = await app.gql(m, { input: { repository: "acme/gql", sarif, ref: "refs/heads/main", commit: "abc" } });
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    assert.equal(r.body.data.ingestSarif.created, 1);
    const r2 = await app.gql(m, { input: { repository: "acme/gql", sarif } });
    assert.equal(r2.body.data.ingestSarif.unchanged, 1);
    const bad = await app.gql(m, { input: { repository: "acme/gql", sarif: { version: "2.1.0" } } });
    assert.equal(bad.body.errors[0].extensions.code, "BAD_USER_INPUT");
    const bom = JSON.parse(fixtureBytes("cyclonedx-vex-multi.json").toString("utf8"));
    const c = await app.gql(`mutation($input: IngestCycloneDxInput!) { ingestCycloneDx(input: $input) { created results } }`, { input: { repository: "acme/gql", bom } });
    assert.equal(c.body.errors, undefined, JSON.stringify(c.body.errors));
    assert.equal(c.body.data.ingestCycloneDx.created, 4);
  });

  test("text PostgreSQL cannot store (NUL, a lone surrogate) is stored with U+FFFD, and a re-upload is unchanged", async () => {
    const log = (msg: string) => ({ version: "2.1.0", runs: [{ tool: { driver: { name: "odd", rules: [{ id: "r\u0000x", shortDescription: { text: "nul \u0000 rule" } }] } },
      results: [{ ruleId: "r\u0000x", message: { text: msg }, locations: [{ physicalLocation: { artifactLocation: { uri: "a.ts" }, region: { startLine: 1 } } }] }] }] });
    const body = JSON.stringify(log("a\u0000b \ud800 c"));
    const first = await postIngest(app, { repository: "acme/odd-text" }, body);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.created, 1);
    const [row] = await app.db.dataSource.query(`SELECT message, rule_id FROM finding WHERE repository_id = $1`, [await repoId(app, "acme/odd-text")]);
    assert.equal(row.message, "a\ufffdb \ufffd c");
    assert.equal(row.rule_id, "r\ufffdx");
    const again = await postIngest(app, { repository: "acme/odd-text" }, body);
    assert.deepEqual([again.body.unchanged, again.body.updated, again.body.created], [1, 0, 0]);
  });

  test("ingested results are counted in /metrics by format", async () => {
    const text = await (await app.fetch("/metrics", { token: null })).text();
    assert.match(text, /posturegraph_ingested_results_total\{format="sarif"\} \d+/);
  });
});
