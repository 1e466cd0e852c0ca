import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { AddressInfo } from "node:net";
import { startTestApp, TestApp } from "./helpers/app";
import { count } from "./helpers/ingest";
import { findingsOf, priorityEvents, sarif, scoreOf, uploadSarif } from "./helpers/cloud";
import { realFixturesDir } from "./fixtures/real-fixtures";
import { intelJobs } from "../src/jobs";

const KEV = fs.readFileSync(path.join(realFixturesDir(), "cisa-kev-sample.json"));
const EPSS = fs.readFileSync(path.join(realFixturesDir(), "epss-sample.csv"));
const REPO = "acme/svc";

describe("exploitation data (KEV, EPSS) and the priority policy", () => {
  let app: TestApp;
  const post = (kind: string, body: Buffer | string, type: string, extra: Record<string, string> = {}) =>
    app.fetch(`/ingest/${kind}`, { method: "POST", headers: { "content-type": type, ...extra }, body });

  before(async () => {
    app = await startTestApp();
    await uploadSarif(app, REPO, sarif("Trivy", [
      { ruleId: "CVE-2024-53704", securitySeverity: 7.5 },
      { ruleId: "CVE-2099-0001", securitySeverity: 9.8 },
      { ruleId: "CVE-1999-0005", securitySeverity: 5.0 },
    ]));
    await uploadSarif(app, "acme/ladder", sarif("Semgrep", [
      { ruleId: "sev.critical", securitySeverity: 9.5 }, { ruleId: "sev.high", securitySeverity: 8.0 },
      { ruleId: "sev.medium", securitySeverity: 5.0 }, { ruleId: "sev.low", securitySeverity: 2.0 },
    ]));
  });
  after(async () => { await app?.stop(); });

  test("POST /ingest/kev trusts vulnerabilities[] (not count), stores the entry, and rescores exactly the findings with those CVEs", async () => {
    const onKevBefore = await scoreOf(app, REPO, "CVE-2024-53704");
    const higherCvss = await scoreOf(app, REPO, "CVE-2099-0001");
    assert.ok(onKevBefore.priority.score < higherCvss.priority.score, "before the import, CVSS 9.8 ranks first");
    const res = await post("kev", KEV, "application/json");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { kev: 3, updated: 3, findingsRescored: 1 });
    const [row] = await app.db.dataSource.query(`SELECT to_char(kev_date_added, 'YYYY-MM-DD') AS d, kev_ransomware, kev_entry->>'vendorProject' AS vendor FROM vulnerability_intel WHERE cve = 'CVE-2024-53704'`);
    assert.deepEqual(row, { d: "2025-02-18", kev_ransomware: false, vendor: "SonicWall" });
    const onKev = await scoreOf(app, REPO, "CVE-2024-53704");
    assert.ok(onKev.priority.score > (await scoreOf(app, REPO, "CVE-2099-0001")).priority.score, "on KEV (CVSS 7.5) > not on KEV (CVSS 9.8)");
    const kevFactor = onKev.priority.factors.find((f) => f.key.toLowerCase().includes("kev"));
    assert.ok(kevFactor && kevFactor.contribution > 0 && /2025-02-18/.test(kevFactor.detail ?? ""), JSON.stringify(onKev.priority.factors));
    assert.notEqual(onKev.priority.level, onKevBefore.priority.level);
    assert.deepEqual((await priorityEvents(app, onKev.id)).map((e) => [e.from.level, e.to.level]), [[onKevBefore.priority.level, onKev.priority.level]]);
    // The same catalog again changes nothing.
    assert.deepEqual(await (await post("kev", KEV, "application/json")).json(), { kev: 3, updated: 0, findingsRescored: 0 });
  });

  test("KEV: ransomware use Known adds points; bad catalogs answer 400 and write nothing", async () => {
    const doc = JSON.parse(KEV.toString());
    doc.vulnerabilities[1].knownRansomwareCampaignUse = "Known";
    const before = await scoreOf(app, REPO, "CVE-2024-53704");
    assert.deepEqual(await (await post("kev", JSON.stringify(doc), "application/json")).json(), { kev: 3, updated: 1, findingsRescored: 1 });
    assert.ok((await scoreOf(app, REPO, "CVE-2024-53704")).priority.score > before.priority.score);
    const rows = await count(app, "vulnerability_intel");
    for (const [body, pattern] of [
      ["{not json", /not valid JSON/],
      [JSON.stringify({ count: 1 }), /vulnerabilities\[\] is missing/],
      [JSON.stringify({ vulnerabilities: [{ cveID: "CVE-2030-1111", dateAdded: "2030-01-01" }, { cveID: "nope", dateAdded: "2025-01-01" }] }), /vulnerabilities\[1\]\.cveID/],
      [JSON.stringify({ vulnerabilities: [{ cveID: "CVE-2030-1111", dateAdded: "yesterday" }] }), /dateAdded/],
    ] as const) {
      const r = await post("kev", body, "application/json");
      assert.equal(r.status, 400);
      assert.match(((await r.json()) as any).error.message, pattern);
    }
    assert.equal(await count(app, "vulnerability_intel"), rows);
    assert.equal((await post("kev", KEV, "text/csv")).status, 415);
  });

  test("POST /ingest/epss skips the #model_version line, reads gzip, rescores by CVE; bad CSV is a 400 naming the line", async () => {
    const before = await scoreOf(app, REPO, "CVE-1999-0005");
    const res = await post("epss", EPSS, "text/csv");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { epss: 5, updated: 5, findingsRescored: 1 });
    const after = await scoreOf(app, REPO, "CVE-1999-0005");
    assert.ok(after.priority.score > before.priority.score);
    const epss = after.priority.factors.find((f) => f.key.toLowerCase().includes("epss"));
    assert.ok(epss && epss.contribution > 0 && /0\.9196/.test(epss.detail ?? ""), JSON.stringify(after.priority.factors));
    const changed = EPSS.toString().replace("CVE-1999-0005,0.91963,0.99214", "CVE-1999-0005,0.01,0.5");
    const gz = await post("epss", zlib.gzipSync(changed), "application/gzip");
    assert.deepEqual(await gz.json(), { epss: 5, updated: 1, findingsRescored: 1 });
    assert.ok((await scoreOf(app, REPO, "CVE-1999-0005")).priority.score < after.priority.score);
    for (const [body, pattern] of [
      ["cve,score\nCVE-1999-0001,0.1", /line 1: expected the header/],
      ["#model_version:x\ncve,epss,percentile\nCVE-1999-0001,0.1,0.2\nCVE-1999-0002,1.7,0.2", /line 4: epss/],
      ["cve,epss,percentile\nnot-a-cve,0.1,0.2", /line 2: cve/],
    ] as const) {
      const r = await post("epss", body, "text/csv");
      assert.equal(r.status, 400);
      assert.match(((await r.json()) as any).error.message, pattern);
    }
    const t = await app.gql(`mutation { createApiToken(input: {name: "w", scopes: [WRITE]}) { token } }`);
    assert.equal((await app.fetch("/ingest/epss", { method: "POST", headers: { "content-type": "text/csv" }, body: EPSS, token: t.body.data.createApiToken.token })).status, 403);
  });

  test("the scheduled fetch reads KEV_FEED_URL / EPSS_FEED_URL (a loopback server here)", async () => {
    const doc = JSON.parse(KEV.toString());
    doc.vulnerabilities.push({ cveID: "CVE-2099-0001", dateAdded: "2025-03-01", knownRansomwareCampaignUse: "Unknown", vendorProject: "Example" });
    const hits: string[] = [];
    const server = http.createServer((req, res) => {
      hits.push(req.url!);
      if (req.url === "/kev.json") { res.setHeader("content-type", "application/json"); res.end(JSON.stringify(doc)); return; }
      res.setHeader("content-type", "application/gzip");
      res.end(zlib.gzipSync(EPSS.toString().replace("CVE-1999-0001,0.00383", "CVE-1999-0001,0.5")));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const before = await scoreOf(app, REPO, "CVE-2099-0001");
      const jobs = intelJobs(app.services, { ...app.config, kevFeedUrl: `${base}/kev.json`, epssFeedUrl: `${base}/epss.csv.gz` });
      assert.deepEqual(jobs.map((j) => j.id), ["intel:kev", "intel:epss"]);
      for (const job of jobs) await app.scheduler.runNow(job);
      assert.deepEqual(hits, ["/kev.json", "/epss.csv.gz"]);
      assert.ok((await scoreOf(app, REPO, "CVE-2099-0001")).priority.score > before.priority.score);
      const [row] = await app.db.dataSource.query(`SELECT epss_score FROM vulnerability_intel WHERE cve = 'CVE-1999-0001'`);
      assert.equal(row.epss_score, 0.5);
    } finally {
      server.close();
    }
  });

  test("CRITICAL > HIGH > MEDIUM > LOW", async () => {
    const list = await findingsOf(app, "acme/ladder");
    const s = (r: string) => list.find((f) => f.ruleId === r)!.priority.score;
    assert.ok(s("sev.critical") > s("sev.high") && s("sev.high") > s("sev.medium") && s("sev.medium") > s("sev.low"),
      ["critical", "high", "medium", "low"].map((x) => s(`sev.${x}`)).join(" > "));
  });

  test("priority policy: read, update (validated, versioned, everything rescored), reject, reset", async () => {
    const q = await app.gql(`{ priorityPolicy { version isDefault policy } }`);
    assert.deepEqual([q.body.data.priorityPolicy.version, q.body.data.priorityPolicy.isDefault], [1, true]);
    assert.equal(q.body.data.priorityPolicy.policy.kev.listed, 16);
    const kevBefore = await scoreOf(app, REPO, "CVE-2024-53704");
    const u = await app.gql(`mutation($p: JSON!) { updatePriorityPolicy(policy: $p) { version isDefault findingsRescored policy } }`, { p: { kev: { listed: 6 } } });
    assert.equal(u.body.errors, undefined, JSON.stringify(u.body.errors));
    assert.deepEqual([u.body.data.updatePriorityPolicy.version, u.body.data.updatePriorityPolicy.isDefault, u.body.data.updatePriorityPolicy.policy.kev.listed], [2, false, 6]);
    assert.equal(u.body.data.updatePriorityPolicy.findingsRescored, await count(app, "finding"));
    const kevAfter = await scoreOf(app, REPO, "CVE-2024-53704");
    assert.equal(kevAfter.priority.score, kevBefore.priority.score - 10);
    if (kevAfter.priority.level !== kevBefore.priority.level) assert.equal((await priorityEvents(app, kevAfter.id)).at(-1)!.to.level, kevAfter.priority.level);
    assert.equal((await app.gql(`{ priorityPolicy { version } }`)).body.data.priorityPolicy.version, 2);

    const bad = await app.gql(`mutation($p: JSON!) { updatePriorityPolicy(policy: $p) { version } }`, { p: { severity: { LOW: 40 } } });
    assert.equal(bad.body.errors[0].extensions.code, "BAD_USER_INPUT");
    assert.equal((await app.gql(`{ priorityPolicy { version } }`)).body.data.priorityPolicy.version, 2, "a rejected policy changes nothing");
    const t = await app.gql(`mutation { createApiToken(input: {name: "w2", scopes: [READ, WRITE]}) { token } }`);
    const denied = await app.gql(`mutation { resetPriorityPolicy { version } }`, {}, t.body.data.createApiToken.token);
    assert.equal(denied.body.errors[0].extensions.code, "FORBIDDEN");

    const r = await app.gql(`mutation { resetPriorityPolicy { version policy } }`);
    assert.deepEqual([r.body.data.resetPriorityPolicy.version, r.body.data.resetPriorityPolicy.policy.kev.listed], [3, 16]);
    assert.equal((await scoreOf(app, REPO, "CVE-2024-53704")).priority.score, kevBefore.priority.score);
  });

  test("secret validity, dependency scope and fix availability order as promised (details seeded in the database, rescored by a policy change)", async () => {
    // SARIF carries no secret validity or dependency scope: those come from the GitHub/Azure connectors, so they are seeded here.
    await uploadSarif(app, "acme/facts", sarif("Facts", [
      { ruleId: "secret.active", securitySeverity: 8 }, { ruleId: "secret.unknown", securitySeverity: 8 }, { ruleId: "secret.revoked", securitySeverity: 8 },
      { ruleId: "dep.runtime", securitySeverity: 8 }, { ruleId: "dep.dev", securitySeverity: 8 }, { ruleId: "dep.fix", securitySeverity: 8 }, { ruleId: "dep.nofix", securitySeverity: 8 },
    ]));
    await app.db.dataSource.query(`
      UPDATE finding f SET category = v.category, details = v.details::jsonb, fixed_version = v.fixed
        FROM (VALUES ('secret.active', 'SECRET', '{"secretValidity":"active"}', NULL), ('secret.unknown', 'SECRET', '{}', NULL),
                     ('secret.revoked', 'SECRET', '{"secretValidity":"inactive"}', NULL),
                     ('dep.runtime', 'DEPENDENCY', '{"dependencyScope":"runtime"}', NULL), ('dep.dev', 'DEPENDENCY', '{"dependencyScope":"development"}', NULL),
                     ('dep.fix', 'DEPENDENCY', '{}', '2.0.1'), ('dep.nofix', 'DEPENDENCY', '{}', NULL)) AS v(rule, category, details, fixed)
       WHERE f.rule_id = v.rule`);
    await app.gql(`mutation { resetPriorityPolicy { version } }`);
    const list = await findingsOf(app, "acme/facts");
    const s = (r: string) => list.find((f) => f.ruleId === r)!.priority.score;
    assert.ok(s("secret.active") > s("secret.unknown") && s("secret.unknown") > s("secret.revoked"), `${s("secret.active")} ${s("secret.unknown")} ${s("secret.revoked")}`);
    assert.ok(s("dep.runtime") > s("dep.dev"));
    assert.ok(s("dep.fix") >= s("dep.nofix"));
  });
});
