import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "../helpers/app";
import { FakeGitHub } from "../fakes/github/server";
import { createGitHubConnector, fakeSleep, syncOnce, TRIGGER } from "./helpers";

/** Faults delay a sync but never change a finding's state wrongly; a cut-off run resumes. */
let app: TestApp;
let fake: FakeGitHub;
let connectorId: string;
const sleeper = fakeSleep();

before(async () => {
  fake = await new FakeGitHub({ org: "initech", repos: 120, seed: 11 }).start();
  app = await startTestApp();
  // The request timeout is real: keep it well above a loaded machine's response time, and the slow page well above it.
  app.services.sync.options.github = { ...app.services.sync.options.github, sleep: sleeper.sleep, timeoutMs: 2500 };
  connectorId = await createGitHubConnector(app, fake);
});
after(async () => { await app?.stop(); await fake?.stop(); });

const q = (sql: string, params: unknown[] = []) => app.db.dataSource.query(sql, params);
const states = async () => new Map<string, string>((await q(`SELECT r.full_name || ' ' || f.analysis_category || ' ' || f.fingerprint AS k, f.state FROM finding f JOIN repository r ON r.id = f.repository_id`)).map((x: any) => [x.k, x.state]));
const eventCount = async () => (await q(`SELECT count(*)::int AS n FROM finding_event`))[0].n as number;
const forceFull = () => { app.services.sync.options.githubSync = { fullRefreshMs: 0, orgSettingsRefreshMs: 0 }; };

test("502s, secondary limits (403/429 + retry-after), GraphQL RATE_LIMITED with HTTP 200 and a slow page are waited out", async () => {
  let details = 0;
  fake.faults = [
    { match: (r) => r.operation === "OrgRepos" && r.kind === "graphql", action: "graphql-rate-limited", times: 1 },
    { match: (r) => r.operation === "RepoDetails", action: "502", times: 2 },
    { match: (r) => r.operation === "RepoDetails" && ++details === 2, action: "slow", delayMs: 5000, times: 1 },
    { match: (r) => r.path.startsWith("/orgs/initech/code-scanning"), action: "secondary-403", retryAfter: 60, times: 1 },
    { match: (r) => r.path.startsWith("/orgs/initech/secret-scanning"), action: "secondary-429", times: 1 },
    { match: (r) => r.path.startsWith("/orgs/initech/actions/secrets"), action: "503", times: 1 },
  ];
  const run = await syncOnce(app, connectorId);
  assert.equal(run.status, "SUCCEEDED", JSON.stringify(run.errors));
  assert.deepEqual(fake.faults.filter((f) => (f.times ?? 1) > 0).length, 0, "every fault was hit");
  assert.ok(sleeper.waits.includes(60_000), "retry-after honoured");
  assert.ok(sleeper.waits.some((w) => w >= 100_000), "RATE_LIMITED waits until x-ratelimit-reset");
  assert.ok(sleeper.waits.filter((w) => w === 60_000).length >= 2, "a secondary limit without retry-after waits at least a minute");
  assert.ok(run.counts["requests.retries"] >= 6);
  assert.deepEqual(fake.invalidQueries, []);
  const s = await states();
  for (const r of fake.org.repos) for (const a of r.vulnerabilityAlerts) assert.equal(s.get(`${r.nameWithOwner} github:dependabot gh-alert:${a.number}`), a.state === "FIXED" ? "FIXED" : a.state === "OPEN" ? "OPEN" : "DISMISSED");
  assert.equal([...s.keys()].filter((k) => k.includes("code-scanning")).length, fake.org.codeScanning.length);
});

test("a 403 on one repository's alerts leaves that repository's findings untouched (PARTIAL)", async () => {
  forceFull();
  const before = await states();
  const victim = fake.org.repos.find((r) => r.vulnerabilityAlerts.filter((a) => a.state === "OPEN").length >= 1)!;
  for (const a of victim.vulnerabilityAlerts) a.state = "FIXED"; // would be mirrored if read
  fake.fieldErrors = [{ repo: victim.name, field: "vulnerabilityAlerts", type: "FORBIDDEN" }];
  fake.orgAlertsForbidden = true; // not an owner: code scanning is read per repository
  const csVictim = fake.org.codeScanning.find((a) => a.state === "open")!.repository.name;
  fake.faults = [{ match: (r) => r.path.startsWith(`/repos/initech/${csVictim}/code-scanning`), action: "forbidden", times: Infinity }];
  const hidden = fake.org.codeScanning.filter((a) => a.repository.name === csVictim);
  fake.org.codeScanning = fake.org.codeScanning.filter((a) => a.repository.name !== csVictim); // gone if it were read
  const run = await syncOnce(app, connectorId);
  assert.equal(run.status, "PARTIAL");
  assert.ok(run.errors.some((e: string) => e.includes("dependabot")), JSON.stringify(run.errors));
  assert.ok(run.errors.some((e: string) => e.includes(csVictim)), JSON.stringify(run.errors));
  const after = await states();
  for (const [k, v] of before) if (k.startsWith(victim.nameWithOwner + " github:dependabot") || k.startsWith(`initech/${csVictim} github:code-scanning`)) assert.equal(after.get(k), v, k);
  fake.faults = []; fake.fieldErrors = []; fake.orgAlertsForbidden = false; fake.org.codeScanning.push(...hidden);
  for (const a of victim.vulnerabilityAlerts) a.state = "OPEN";
});

test("a run cut off half-way records what it skipped, changes nothing wrongly, and the next run continues", async () => {
  app.services.sync.options.githubSync = {};
  await syncOnce(app, connectorId); // settle
  for (const r of fake.org.repos) r.pushedAt = fake.tick(); // every repository needs its details again
  const events = await eventCount();
  const before = await states();
  let seen = 0;
  app.services.sync.options.githubSync = { detailBatchSize: 10, chunkSize: 20 };
  fake.faults = [{ match: (r) => r.operation === "RepoDetails" && ++seen > 6, action: "secondary-429", times: Infinity }];
  const cut = await syncOnce(app, connectorId);
  assert.equal(cut.status, "PARTIAL");
  assert.ok(cut.errors.some((e: string) => /stopped during repository details.*next run continues/.test(e)), JSON.stringify(cut.errors));
  assert.equal(await eventCount(), events, "no finding changed");
  assert.deepEqual(await states(), before);
  const [{ n: gone }] = await q(`SELECT count(*)::int AS n FROM repository WHERE gone_at IS NOT NULL`);
  assert.equal(gone, 0, "a stopped run marks nothing gone");
  fake.faults = [];
  const requestsBefore = fake.requests.filter((r) => r.operation === "RepoDetails").length;
  const next = await syncOnce(app, connectorId);
  assert.equal(next.status, "SUCCEEDED", JSON.stringify(next.errors));
  const detailQueries = fake.requests.filter((r) => r.operation === "RepoDetails").length - requestsBefore;
  assert.ok(next.counts.repositoryDetails < 120 && next.counts.repositoryDetails >= 60, `continued with the rest: ${next.counts.repositoryDetails}`);
  assert.ok(detailQueries < 12, `${detailQueries}`);
  app.services.sync.options.githubSync = {};
});

test("the rate-limit reserve stops a run before the budget is spent", async () => {
  forceFull();
  const before = await states();
  fake.remaining = 300; // of 5000: below the 10% reserve
  const run = await syncOnce(app, connectorId);
  fake.remaining = 5000;
  assert.equal(run.status, "PARTIAL");
  assert.ok(run.errors.some((e: string) => e.includes("reserve")), JSON.stringify(run.errors));
  assert.deepEqual(await states(), before);
  app.services.sync.options.githubSync = {};
});

test("triggerSync while a run is going returns that run; runs never overlap", async () => {
  fake.faults = [{ match: (r) => r.operation === "OrgRepos", action: "slow", delayMs: 300, times: 1 }];
  const a = await app.gql(TRIGGER, { id: connectorId });
  const b = await app.gql(TRIGGER, { id: connectorId });
  assert.equal(a.body.data.triggerSync.status, "RUNNING");
  assert.equal(b.body.data.triggerSync.id, a.body.data.triggerSync.id);
  await app.services.sync.idle();
  const [{ n }] = await q(`SELECT count(*)::int AS n FROM sync_run WHERE status = 'RUNNING'`);
  assert.equal(n, 0);
});
