import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "../helpers/app";
import { FakeGitHub } from "../fakes/github/server";
import { createGitHubConnector, fakeSleep, syncOnce } from "./helpers";

/**
 * End to end through the public API: createConnector pointing at a fake
 * GitHub of 240 repositories, triggerSync, poll syncRuns; then the graph is
 * compared with what the fake holds, alerts are changed there, and a second
 * run is checked for cost and for following GitHub's states.
 */
let app: TestApp;
let fake: FakeGitHub;
let connectorId: string;
const logs: string[] = [];
const sleeper = fakeSleep();
let firstRequests = 0;

before(async () => {
  fake = await new FakeGitHub({ org: "acme", repos: 240, seed: 7 }).start();
  app = await startTestApp({ logLevel: "debug" }, { logDestination: { write: (l) => { logs.push(l); } } });
  app.services.sync.options.github = { ...app.services.sync.options.github, sleep: sleeper.sleep, timeoutMs: 3000 };
  // A repository a SARIF upload created before the connector existed: it must be adopted, not duplicated.
  await app.db.dataSource.transaction(async (em) => {
    const [org] = await em.query(`INSERT INTO devops_organization (name, provider) VALUES ('acme', 'GENERIC') RETURNING id`);
    const [repo] = await em.query(`INSERT INTO repository (organization_id, name, full_name, source) VALUES ($1, 'svc-0001', 'acme/svc-0001', 'sarif') RETURNING id`, [org.id]);
    await app.services.findingStore.load(em, { organizationId: org.id, repositoryId: repo.id, analysisCategory: "semgrep", source: "sarif", complete: true }, [{
      fingerprint: "h:1", category: "CODE" as never, severity: "HIGH" as never, title: "eval", message: null, ruleId: "r1", tool: "semgrep", toolVersion: null, path: "a.js",
      startLine: 1, endLine: 1, startColumn: null, endColumn: null, snippet: null, vulnerabilityId: null, cwes: [], cvssScore: null, cvssVector: null,
      packageName: null, packageVersion: null, fixedVersion: null, details: {},
    }], []);
  });
  connectorId = await createGitHubConnector(app, fake);
});
after(async () => { await app?.stop(); await fake?.stop(); });

const q = (sql: string, params: unknown[] = []) => app.db.dataSource.query(sql, params);
const finding = async (repo: string, category: string, number: number) =>
  (await q(`SELECT f.* FROM finding f JOIN repository r ON r.id = f.repository_id WHERE r.full_name = $1 AND f.analysis_category = $2 AND f.fingerprint = $3`,
    [`acme/${repo}`, category, `gh-alert:${number}`]))[0];

test("first sync mirrors the organization", async () => {
  const run = await syncOnce(app, connectorId);
  assert.equal(run.status, "SUCCEEDED", JSON.stringify(run.errors));
  assert.deepEqual(fake.invalidQueries, [], "every GraphQL document validates against GitHub's schema");
  firstRequests = run.requests;
  assert.equal(run.requests, fake.requests.length);
  assert.ok(run.pointsUsed > 0 && run.counts["points.graphql"] === fake.points(), "points as the fake computed them");

  const repos = await q(`SELECT r.*, o.provider FROM repository r JOIN devops_organization o ON o.id = r.organization_id WHERE r.full_name LIKE 'acme/%'`);
  assert.equal(repos.length, 240, "one row per repository (the SARIF one adopted)");
  for (const fr of fake.org.repos) {
    const r = repos.find((x: any) => x.full_name === fr.nameWithOwner);
    assert.ok(r, fr.nameWithOwner);
    assert.equal(r.provider, "GITHUB");
    assert.equal(r.visibility, fr.visibility);
    assert.equal(r.default_branch, fr.defaultBranchRef?.name ?? null);
    assert.equal(r.archived, fr.isArchived);
    assert.equal(r.fork, fr.isFork);
  }
  const [adopted] = await q(`SELECT f.organization_id = r.organization_id AS same FROM finding f JOIN repository r ON r.id = f.repository_id WHERE r.full_name = 'acme/svc-0001' AND f.tool = 'semgrep'`);
  assert.equal(adopted.same, true, "the SARIF finding moved with its repository");

  // Protection: svc-0000 has a classic rule on main (2 reviews, admins enforced) plus the org ruleset (bypass: org admins).
  const [r0] = await q(`SELECT settings FROM repository WHERE full_name = 'acme/svc-0000'`);
  assert.equal(r0.settings.protection.protected, true);
  assert.equal(r0.settings.protection.requiredApprovingReviews, 2);
  assert.equal(r0.settings.protection.blockForcePushes, true);
  assert.deepEqual(r0.settings.protection.sources, ["branch-protection:main", "ruleset:org:acme:default-branch"]);
  assert.deepEqual(r0.settings.protection.evaluateOnly, ["org:acme:signed-commits-trial"]);
  assert.equal(r0.settings.codeowners.path, ".github/CODEOWNERS");
  const [r1] = await q(`SELECT settings FROM repository WHERE full_name = 'acme/svc-0011'`);
  assert.ok(r1.settings.protection.requiredStatusChecks.includes("ci/test"), "repository ruleset status checks");
  const owners = await q(`SELECT full_name, settings->'codeowners'->>'path' AS path FROM repository WHERE full_name IN ('acme/svc-0014', 'acme/svc-0016', 'acme/svc-0017') ORDER BY 1`);
  assert.deepEqual(owners.map((o: any) => o.path), ["CODEOWNERS", "docs/CODEOWNERS", null], "first of .github/, root, docs/");

  // Workflows (via GraphQL): triggers, pinning, runners, injection.
  const res = await app.gql(`{ repository(fullName: "acme/svc-0015") { pipelines { name definitionPath triggers definition } environments { name production protectionRules } settings } }`);
  const pipes = res.body.data.repository.pipelines;
  assert.deepEqual(pipes.map((p: any) => p.definitionPath).sort(), [".github/workflows/ci.yml", ".github/workflows/deploy.yml", ".github/workflows/triage.yaml"]);
  const triage = pipes.find((p: any) => p.name === "Triage");
  assert.deepEqual(triage.triggers, ["issues", "pull_request_target"]);
  assert.ok(triage.definition.runInterpolations.some((i: any) => i.untrusted && i.expression === "github.event.issue.title"));
  const deploy = pipes.find((p: any) => p.name === "Deploy");
  assert.equal(deploy.definition.selfHostedRunners, true);
  assert.deepEqual(deploy.definition.actions.map((a: any) => [a.name, a.pinned]), [["actions/checkout", true], ["azure/login", false], ["acme/shared/.github/workflows/release.yml", false]]);
  const envs = res.body.data.repository.environments;
  assert.deepEqual(envs.map((e: any) => [e.name, e.production]).sort(), [["production", true], ["staging", false]]);
  assert.deepEqual(envs.find((e: any) => e.name === "production").protectionRules.map((r: any) => r.type), ["REQUIRED_REVIEWERS", "WAIT_TIMER"]);
  const [{ n: deployments }] = await q(`SELECT count(*)::int AS n FROM deployment`);
  assert.equal(deployments, fake.org.repos.reduce((s, r) => s + r.deployments.length, 0));

  // Alerts → findings, states as GitHub has them.
  for (const fr of fake.org.repos) for (const a of fr.vulnerabilityAlerts) {
    const f = await finding(fr.name, "github:dependabot", a.number);
    assert.equal(f.state, { OPEN: "OPEN", FIXED: "FIXED", DISMISSED: "DISMISSED" }[a.state as string]);
    if (a.state === "DISMISSED") { assert.equal(f.dismiss_reason, "tolerable_risk"); assert.equal(f.dismiss_comment, "behind the VPN"); }
  }
  const [{ n: cs }] = await q(`SELECT count(*)::int AS n FROM finding WHERE analysis_category = 'github:code-scanning'`);
  assert.equal(cs, fake.org.codeScanning.length);
  const dismissedCs = fake.org.codeScanning.find((a) => a.state === "dismissed")!;
  const f = await finding(dismissedCs.repository.name, "github:code-scanning", dismissedCs.number);
  assert.equal(f.state, "DISMISSED"); assert.equal(f.dismiss_reason, "false positive"); assert.equal(f.dismiss_comment, "sanitised upstream");
  const [{ n: ss }] = await q(`SELECT count(*)::int AS n FROM finding WHERE analysis_category = 'github:secret-scanning' AND state = 'FIXED'`);
  assert.equal(ss, fake.org.secretScanning.filter((a) => a.state === "resolved").length, "revoked secrets are fixed");

  const [org] = await q(`SELECT settings FROM devops_organization WHERE provider = 'GITHUB' AND name = 'acme'`);
  assert.equal(org.settings.github.defaultWorkflowPermissions, "write");
  assert.equal(org.settings.github.adminCount, 2);
  assert.equal(org.settings.github.actionsSecrets.visibleToAllRepositories, 1);
  assert.equal(org.settings.github.twoFactorRequired, true);
});

test("a secret scanning value is never stored, even when GitHub sends it", async () => {
  assert.ok(fake.requests.filter((r) => r.path.includes("secret-scanning")).every((r) => r.path.includes("hide_secret=true")));
  fake.leakSecrets = true;
  app.services.sync.options.githubSync = { fullRefreshMs: 0 };
  try { assert.notEqual((await syncOnce(app, connectorId)).status, "FAILED"); } finally { fake.leakSecrets = false; app.services.sync.options.githubSync = {}; }
  const dump = JSON.stringify(await q(`SELECT (SELECT json_agg(f) FROM finding f) AS f, (SELECT json_agg(e) FROM finding_event e) AS e, (SELECT json_agg(r) FROM rule r) AS r, (SELECT json_agg(c) FROM connector c) AS c`));
  assert.ok(!dump.includes(fake.org.secretValue));
  assert.ok(!logs.join("").includes(fake.org.secretValue));
});

test("an unchanged second run costs far less and changes nothing", async () => {
  const before = fake.requests.length;
  const [{ n: events }] = await q(`SELECT count(*)::int AS n FROM finding_event`);
  const run = await syncOnce(app, connectorId);
  assert.equal(run.status, "SUCCEEDED", JSON.stringify(run.errors));
  const used = fake.requests.length - before;
  assert.ok(used <= 0.3 * firstRequests, `${used} requests vs ${firstRequests} in the first run`);
  const [{ n: after }] = await q(`SELECT count(*)::int AS n FROM finding_event`);
  assert.equal(after, events, "no finding changed");
});

test("alerts dismissed, resolved or reopened on GitHub follow here", async () => {
  const repo = fake.org.repos.find((r) => r.vulnerabilityAlerts.some((a) => a.state === "OPEN"))!;
  const open = repo.vulnerabilityAlerts.find((a) => a.state === "OPEN")!;
  Object.assign(open, { state: "DISMISSED", dismissReason: "not_used", dismissComment: "dev only", dismissedAt: fake.tick() });
  const reopen = fake.org.codeScanning.find((a) => a.state === "dismissed")!;
  Object.assign(reopen, { state: "open", dismissed_reason: null, dismissed_comment: null, dismissed_at: null, updated_at: fake.tick() });
  const sec = fake.org.secretScanning.find((a) => a.state === "open")!;
  Object.assign(sec, { state: "resolved", resolution: "false_positive", resolution_comment: "test fixture", resolved_at: fake.tick(), updated_at: fake.tick() });
  const run = await syncOnce(app, connectorId);
  assert.equal(run.status, "SUCCEEDED", JSON.stringify(run.errors));
  const d = await finding(repo.name, "github:dependabot", open.number);
  assert.equal(d.state, "DISMISSED"); assert.equal(d.dismiss_reason, "not_used"); assert.equal(d.dismiss_comment, "dev only");
  assert.equal((await finding(reopen.repository.name, "github:code-scanning", reopen.number)).state, "OPEN");
  const s = await finding(sec.repository.name, "github:secret-scanning", sec.number);
  assert.equal(s.state, "DISMISSED"); assert.equal(s.dismiss_reason, "false_positive");
  const [{ n }] = await q(`SELECT count(*)::int AS n FROM finding_event WHERE type = 'REOPENED'`);
  assert.ok(n >= 1);
});

test("credentials never appear in a query result or a log line", async () => {
  const res = await app.gql(`{ connectors(first: 10) { nodes { id organization url schedule enabled hasCredentials lastSyncAt lastSyncRun { status errors counts } } } syncRuns(first: 50) { nodes { errors counts } } }`);
  assert.equal(res.body.data.connectors.nodes[0].hasCredentials, true);
  const token = "ghp_faketoken0123456789";
  assert.ok(!JSON.stringify(res.body).includes(token));
  assert.ok(logs.length > 50, "debug logs were captured");
  assert.ok(!logs.join("").includes(token));
  assert.ok(fake.requests.every((r) => r.authorization === `token ${token}`));
});
