import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startTestApp, TestApp } from "../helpers/app";
import { FakeAzureDevOps } from "../fakes/azure-devops/server";
import { AzureDevOpsClient } from "../../src/connectors/azure-devops";
import { CREATE, createAdoConnector, fakeSleep, syncOnce } from "./helpers";

/**
 * End to end through the public API: createConnector AZURE_DEVOPS pointing at
 * a fake organization of 3 projects and 200 repositories on three hosts
 * (collection, vsrm, advsec), triggerSync, poll syncRuns; the graph is
 * compared with the fake; then faults, a project turned unreadable, and
 * alerts changed at the source.
 */
let app: TestApp;
let fake: FakeAzureDevOps;
let connectorId: string;
const logs: string[] = [];
const sleeper = fakeSleep();
let firstRequests = 0;

before(async () => {
  fake = await new FakeAzureDevOps().start();
  app = await startTestApp({ logLevel: "debug" }, { logDestination: { write: (l) => { logs.push(l); } } });
  app.services.sync.options.azureDevOps = { sleep: sleeper.sleep, timeoutMs: 5000 };
});
after(async () => { await app?.stop(); await fake?.stop(); });

const q = (sql: string, params: unknown[] = []) => app.db.dataSource.query(sql, params);
const finding = async (fullName: string, alertId: number) =>
  (await q(`SELECT f.* FROM finding f JOIN repository r ON r.id = f.repository_id WHERE r.full_name = $1 AND f.fingerprint = $2`, [fullName, `ado-alert:${alertId}`]))[0];

test("createConnector validates Azure DevOps input and defaults the URL", async () => {
  const code = async (input: Record<string, unknown>) => (await app.gql(CREATE, { input: { provider: "AZURE_DEVOPS", organization: "contoso", token: "pat123", ...input } })).body.errors?.[0]?.extensions?.code;
  assert.equal(await code({ organization: "not an org!" }), "BAD_USER_INPUT");
  assert.equal(await code({ organization: "-bad" }), "BAD_USER_INPUT");
  assert.equal(await code({ token: undefined }), "BAD_USER_INPUT");
  assert.equal(await code({ token: "has space" }), "BAD_USER_INPUT");
  assert.equal(await code({ projects: ["bad/name"] }), "BAD_USER_INPUT");
  assert.equal(await code({ appId: "1", installationId: "2", privateKey: "x" }), "BAD_USER_INPUT");
  const ok = await app.gql(CREATE, { input: { provider: "AZURE_DEVOPS", organization: "contoso", token: "pat123", projects: ["web", "ops"] } });
  assert.equal(ok.body.errors, undefined, JSON.stringify(ok.body.errors));
  assert.equal(ok.body.data.createConnector.url, "https://dev.azure.com/contoso");
  const [row] = await q(`SELECT options FROM connector WHERE organization = 'contoso'`);
  assert.deepEqual(row.options, { projects: ["web", "ops"] });
  const id = ok.body.data.createConnector.id;
  await app.gql(`mutation($i: UpdateConnectorInput!) { updateConnector(input: $i) { id } }`, { i: { id, projects: [] } });
  assert.deepEqual((await q(`SELECT options FROM connector WHERE organization = 'contoso'`))[0].options, { projects: null });
  assert.equal((await app.gql(`mutation($id: ID!) { deleteConnector(id: $id) }`, { id })).body.data.deleteConnector, true);
  connectorId = await createAdoConnector(app, fake);
});

test("first sync mirrors the organization, reads every list to its last page, and a 429 and a 503 only delay it", async () => {
  fake.faults = [
    { match: (r) => r.host === "collection" && r.path.includes("/git/repositories") && r.path.includes("continuationToken=50"), status: 429, retryAfter: 1 },
    { match: (r) => r.host === "advsec" && r.path.includes("/alerts"), status: 503 },
  ];
  const run = await syncOnce(app, connectorId);
  assert.equal(run.status, "SUCCEEDED", JSON.stringify(run.errors));
  firstRequests = run.requests;
  assert.equal(run.requests, fake.requests.length, "every request counted");
  assert.ok(sleeper.waits.includes(1000), `waited Retry-After (waits: ${sleeper.waits})`);
  assert.ok(run.counts["requests.retries"] >= 2);
  assert.ok(fake.requests.some((r) => r.method === "OPTIONS" && r.path.endsWith("/_apis/Location")), "the library negotiated the location");
  assert.ok(fake.requests.some((r) => r.path.includes("/_apis/ResourceAreas")));
  assert.ok(fake.requests.some((r) => r.host === "release") && fake.requests.some((r) => r.host === "advsec"), "release and Advanced Security on their hosts");

  // Every page: 80 repositories in pages of 50 → tokens 50; 120 alerts of svc-000 → 50, 100.
  assert.ok(fake.requests.some((r) => r.path.includes("payments/_apis/git/repositories") && r.path.includes("continuationToken=50")));
  assert.ok(fake.requests.some((r) => r.path.includes("payments/_apis/build/definitions") && r.path.includes("continuationToken=50")));
  assert.ok(fake.requests.some((r) => r.path.includes("/alerts") && r.path.includes("continuationToken=100")));

  const repos = await q(`SELECT r.*, p.name AS project FROM repository r JOIN project p ON p.id = r.project_id JOIN devops_organization o ON o.id = r.organization_id WHERE o.provider = 'AZURE_DEVOPS'`);
  assert.equal(repos.length, 200);
  for (const p of fake.projects) for (const fr of p.repos) {
    const r = repos.find((x: any) => x.external_id === fr.id);
    assert.ok(r, fr.name);
    assert.equal(r.full_name, `fabrikam/${p.name}/${fr.name}`);
    assert.equal(r.project, p.name);
    assert.equal(r.default_branch, fr.defaultBranch ? fr.defaultBranch.replace("refs/heads/", "") : null);
    assert.equal(r.archived, fr.isDisabled);
    assert.equal(r.fork, fr.isFork);
    assert.equal(r.settings.azureDevOps.size, fr.size);
    assert.equal(r.settings.azureDevOps.advancedSecurity, fr.advsec);
  }
  const byName = (n: string) => repos.find((x: any) => x.full_name === n);
  const p0 = byName("fabrikam/payments/svc-000").settings.protection;
  assert.equal(p0.protected, true); assert.equal(p0.requiredApprovingReviews, 2); assert.equal(p0.creatorVoteCounts, false); assert.equal(p0.resetOnSourcePush, true);
  assert.deepEqual(p0.requiredStatusChecks, ["build:ci"]);
  assert.equal(byName("fabrikam/payments/svc-001").settings.protection.requireLinearHistory, true);
  assert.equal(byName("fabrikam/payments/svc-009").settings.protection.protected, false, "master is not covered by an Exact refs/heads/main scope");
  assert.equal(byName("fabrikam/platform/svc-000").settings.protection.protected, false, "a release-only policy does not protect main");
  assert.equal(byName("fabrikam/platform/svc-000").settings.azureDevOps.policies.length, 1, "the raw policy is kept");
  const pl1 = byName("fabrikam/platform/svc-001").settings.protection;
  assert.equal(pl1.requireCodeOwnerReview, true); assert.equal(pl1.requireConversationResolution, true);
  assert.deepEqual(byName("fabrikam/platform/svc-002").settings.protection.evaluateOnly.length, 1, "a non-blocking policy is optional, not enforced");

  const res = await app.gql(`{ pipelines(first: 100) { totalCount } repository(fullName: "fabrikam/payments/svc-000") { pipelines { name kind definitionPath triggers definition } } }`);
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  const pipes = res.body.data.repository.pipelines;
  assert.equal(pipes[0].kind, "AZURE_BUILD"); assert.equal(pipes[0].definitionPath, "azure-pipelines.yml");
  assert.deepEqual(pipes[0].triggers, ["continuousIntegration", "pullRequest"]);
  assert.deepEqual(pipes[0].definition.forks, { enabled: true, allowSecrets: true, allowFullAccessToken: false });
  const [{ builds, releases }] = await q(`SELECT count(*) FILTER (WHERE kind = 'AZURE_BUILD')::int AS builds, count(*) FILTER (WHERE kind = 'AZURE_RELEASE')::int AS releases FROM pipeline`);
  assert.equal(builds, 200); assert.equal(releases, 6);

  const envs = await q(`SELECT e.name, e.production, e.external_id FROM environment e ORDER BY 1`);
  assert.equal(envs.length, 6); assert.ok(envs.every((e: any) => e.external_id.startsWith("ado-env:")));
  assert.equal(envs.filter((e: any) => e.production).length, 3);
  const deps = await q(`SELECT d.*, r.full_name FROM deployment d LEFT JOIN repository r ON r.id = d.repository_id`);
  assert.equal(deps.length, 18);
  const b = fake.project("payments").builds[0];
  const d0 = deps.find((d: any) => d.commit_sha === b.sourceVersion);
  assert.ok(d0, "the commit comes from the build run"); assert.equal(d0.full_name, "fabrikam/payments/svc-000");

  const [org] = await q(`SELECT settings FROM devops_organization WHERE provider = 'AZURE_DEVOPS'`);
  const pay = org.settings.azureDevOps.projects.payments;
  assert.deepEqual(pay.serviceConnections.map((s: any) => [s.name, s.authorizationScheme, s.isShared, s.openToAllPipelines]),
    [["payments-azure", "ServicePrincipal", false, true], ["payments-github", "PersonalAccessToken", true, false]]);
  assert.deepEqual(pay.variableGroups.map((g: any) => [g.name, g.hasSecrets, g.openToAllPipelines]), [["common", true, true], ["plain", false, false]]);
  assert.deepEqual(pay.secureFiles.map((f: any) => [f.name, f.openToAllPipelines]), [["signing.p12", true]]);

  const [{ n }] = await q(`SELECT count(*)::int AS n FROM finding WHERE analysis_category = 'azure-devops:advanced-security'`);
  const disabled = new Set(fake.projects.flatMap((p) => p.repos.filter((r) => r.isDisabled).map((r) => r.id)));
  assert.equal(n, fake.alerts.filter((a) => !disabled.has(a.repoId)).length, "every alert of every enabled, readable repository (disabled repositories are not read)");
  for (const a of fake.alerts.slice(0, 60)) {
    const repo = fake.projects.flatMap((p) => p.repos.map((r) => ({ p, r }))).find((x) => x.r.id === a.repoId)!;
    const f = await finding(`fabrikam/${repo.p.name}/${repo.r.name}`, a.alert.alertId);
    assert.equal(f.state, { active: "OPEN", fixed: "FIXED", dismissed: "DISMISSED" }[a.alert.state as string]);
    assert.equal(f.category, { dependency: "DEPENDENCY", secret: "SECRET", code: "CODE" }[a.alert.alertType as string]);
    assert.equal(f.severity, a.alert.severity.toUpperCase());
    assert.equal(f.rule_id, a.alert.tools[0].rules[0].opaqueId);
    if (a.alert.state === "dismissed") assert.equal(f.dismiss_reason, "falsePositive");
  }
});

test("a second sync with nothing changed costs far less and changes nothing", async () => {
  const before = fake.requests.length;
  const [{ n: events }] = await q(`SELECT count(*)::int AS n FROM finding_event`);
  const run = await syncOnce(app, connectorId);
  assert.equal(run.status, "SUCCEEDED", JSON.stringify(run.errors));
  const used = fake.requests.length - before;
  assert.ok(fake.requests.slice(before).filter((r) => r.path.includes("/alerts")).every((r) => r.path.includes("criteria.modifiedSince=")), "only modified alerts asked for");
  console.log(`first sync ${firstRequests} requests, second ${used} (${Math.round((100 * used) / firstRequests)}%)`);
  assert.ok(used < firstRequests, `${used} vs ${firstRequests}`);
  const [{ n: after }] = await q(`SELECT count(*)::int AS n FROM finding_event`);
  assert.equal(after, events);
});

test("alerts fixed or dismissed at the source are fixed or dismissed here", async () => {
  const repo = fake.repo("payments", "svc-003");
  const open = fake.alertsOf(repo.id).filter((a) => a.alert.state === "active");
  fake.updateAlert(open[0].alert.alertId, { state: "fixed", fixedDate: new Date().toISOString() });
  fake.updateAlert(open[1].alert.alertId, { state: "dismissed", dismissal: { dismissalType: "acceptedRisk", message: "internal only" } });
  const run = await syncOnce(app, connectorId);
  assert.equal(run.status, "SUCCEEDED", JSON.stringify(run.errors));
  assert.equal((await finding("fabrikam/payments/svc-003", open[0].alert.alertId)).state, "FIXED");
  const d = await finding("fabrikam/payments/svc-003", open[1].alert.alertId);
  assert.equal(d.state, "DISMISSED"); assert.equal(d.dismiss_reason, "acceptedRisk"); assert.equal(d.dismiss_comment, "internal only");
  // A full read (complete scope) fixes an alert the source no longer lists.
  const gone = fake.alertsOf(repo.id).find((a) => a.alert.state === "active")!;
  fake.alerts.splice(fake.alerts.indexOf(gone), 1);
  app.services.sync.options.azureDevOpsSync = { fullRefreshMs: 0 };
  try { assert.equal((await syncOnce(app, connectorId)).status, "SUCCEEDED"); } finally { app.services.sync.options.azureDevOpsSync = {}; }
  assert.equal((await finding("fabrikam/payments/svc-003", gone.alert.alertId)).state, "FIXED");
});

test("an unreadable project ends the run PARTIAL and leaves its data exactly as it was", async () => {
  const snapshot = () => q(`SELECT r.full_name, r.gone_at, r.settings, (SELECT json_agg(json_build_object('f', f.fingerprint, 's', f.state) ORDER BY f.fingerprint) FROM finding f WHERE f.repository_id = r.id) AS findings
    FROM repository r JOIN project p ON p.id = r.project_id WHERE p.name = 'restricted' ORDER BY 1`);
  const pipes = () => q(`SELECT p.external_id, p.repository_id FROM pipeline p JOIN project pr ON pr.id = p.project_id WHERE pr.name = 'restricted' ORDER BY 1`);
  const before = await snapshot();
  const pipesBefore = await pipes();
  assert.equal(before.length, 50);
  fake.denied.add("restricted");
  // Make it matter: alerts vanish at the source too (a complete read would fix them).
  app.services.sync.options.azureDevOpsSync = { fullRefreshMs: 0, projectSettingsRefreshMs: 0 };
  try {
    const run = await syncOnce(app, connectorId);
    assert.equal(run.status, "PARTIAL");
    assert.ok(run.errors.some((e: string) => e.includes("project restricted: repositories") && e.includes("403")), JSON.stringify(run.errors));
  } finally { fake.denied.delete("restricted"); app.services.sync.options.azureDevOpsSync = {}; }
  assert.deepEqual(await snapshot(), before, "repositories not gone, settings and findings untouched");
  assert.deepEqual(await pipes(), pipesBefore);
  const [org] = await q(`SELECT settings FROM devops_organization WHERE provider = 'AZURE_DEVOPS'`);
  assert.equal(org.settings.azureDevOps.projects.restricted.serviceConnections.length, 2, "its project settings kept");
});

test("the PAT reaches the organization's hosts only and appears in no query result or log line", async () => {
  const hosts = new Set(Object.values(fake.urls).map((u) => new URL(u).host));
  assert.ok(fake.requests.every((r) => r.authorization !== null));
  // An unrelated host: the client sends no Authorization there.
  let seen: string | undefined = "unset";
  const other = http.createServer((req, res) => { seen = req.headers.authorization; res.writeHead(200, { "content-type": "application/json" }); res.end("{}"); });
  await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
  try {
    const client = new AzureDevOpsClient({ collectionUrl: fake.url, pat: fake.pat, sleep: async () => undefined });
    await client.discover();
    assert.ok(client.trustedUrl(`${fake.urls.advsec}/x`) && client.trustedUrl(`${fake.urls.release}/x`));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/elsewhere`;
    assert.ok(!hosts.has(new URL(url).host));
    await client.rest("elsewhere", url);
    assert.equal(seen, undefined, "no Authorization to a host ResourceAreas did not name");
  } finally { other.closeAllConnections(); other.close(); }
  const res = await app.gql(`{ connectors(first: 10) { nodes { id organization url hasCredentials lastSyncRun { status errors counts } } } syncRuns(first: 50) { nodes { errors counts } }
    findings(first: 100) { nodes { id title message ruleId tool location { path } } } }`);
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  const body = JSON.stringify(res.body);
  const b64 = Buffer.from(`:${fake.pat}`).toString("base64");
  assert.ok(!body.includes(fake.pat) && !body.includes(b64));
  assert.ok(logs.length > 50, "debug logs were captured");
  const all = logs.join("");
  assert.ok(!all.includes(fake.pat) && !all.includes(b64), "the PAT is in no log line");
  const dump = JSON.stringify(await q(`SELECT (SELECT json_agg(f) FROM finding f) AS f, (SELECT json_agg(o.settings) FROM devops_organization o) AS o, (SELECT json_agg(r.settings) FROM repository r) AS r, (SELECT json_agg(c.state) FROM connector c) AS c`));
  assert.ok(!dump.includes(fake.secretValue), "no secret value of a service connection, variable group or secure file is stored");
  assert.ok(!dump.includes("adop****"), "no truncated secret stored");
  assert.ok(!dump.includes(fake.pat));
});
