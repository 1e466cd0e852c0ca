import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "../helpers/app";
import { FakeAzureDevOps } from "../fakes/azure-devops/server";
import { postIngest } from "../helpers/ingest";
import { createAdoConnector, fakeSleep, syncOnce } from "./helpers";

/**
 * Pull request annotations on Azure DevOps: changed lines from the last
 * iteration's changes and file diffs, comment threads on file and line, a
 * pull request status; a second call keeps the threads and closes those whose
 * finding is gone.
 */
let app: TestApp;
let fake: FakeAzureDevOps;
const REPO = "fabrikam/payments/svc-003";
const HEAD = "b".repeat(40);

interface R { rule: string; path: string; line: number }
const log = (results: R[]) => ({
  version: "2.1.0",
  runs: [{ tool: { driver: { name: "checkov", rules: [...new Set(results.map((r) => r.rule))].map((id) => ({ id, properties: { "security-severity": "9.5" } })) } },
    results: results.map((r) => ({ ruleId: r.rule, level: "error", message: { text: `${r.rule} ${r.path}:${r.line}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: r.path }, region: { startLine: r.line } } }] })) }],
});
const upload = async (ref: string, results: R[]) => {
  const r = await postIngest(app, { repository: REPO, ref, commit: HEAD }, log(results));
  assert.equal(r.status, 200, JSON.stringify(r.body));
};
const LIST = `query($n: Int!) { pullRequestAnnotations(repository: "${REPO}", pullRequest: $n) { path startLine severity } }`;
const ANNOTATE = `mutation($n: Int!) { annotatePullRequest(repository: "${REPO}", pullRequest: $n, failOn: P4) { posted updated resolved conclusion } }`;

before(async () => {
  fake = await new FakeAzureDevOps({ projects: [{ name: "payments", repos: 5 }] }).start();
  app = await startTestApp();
  app.services.sync.options.azureDevOps = { sleep: fakeSleep().sleep, timeoutMs: 5000 };
  const run = await syncOnce(app, await createAdoConnector(app, fake));
  assert.notEqual(run.status, "FAILED", JSON.stringify(run.errors));
  fake.pulls.set("payments/svc-003#12", {
    head: HEAD, base: "a".repeat(40), iterations: 2,
    changes: [{ path: "/infra/main.tf", changeType: "edit" }, { path: "/infra/old.tf", changeType: "delete" }],
    diffs: { "/infra/main.tf": [{ changeType: 1, modifiedLineNumberStart: 20, modifiedLinesCount: 5 }, { changeType: 2, modifiedLineNumberStart: 40, modifiedLinesCount: 0 }] },
  });
  await upload("refs/heads/main", [{ rule: "CKV_AWS_1", path: "infra/main.tf", line: 21 }]);
  await upload("refs/pull/12/merge", [
    { rule: "CKV_AWS_1", path: "infra/main.tf", line: 21 }, // open on the default branch
    { rule: "CKV_AWS_2", path: "infra/main.tf", line: 22 }, // new, on an added line
    { rule: "CKV_AWS_3", path: "infra/main.tf", line: 24 }, // new, on an added line
    { rule: "CKV_AWS_4", path: "infra/main.tf", line: 41 }, // new, not on a changed line
  ]);
});
after(async () => { await app?.stop(); await fake?.stop(); });

test("changed lines come from the last iteration's file diffs; only new findings on added lines", async () => {
  const res = await app.gql(LIST, { n: 12 });
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  assert.deepEqual(res.body.data.pullRequestAnnotations.map((a: any) => `${a.path}:${a.startLine}:${a.severity}`).sort(), ["infra/main.tf:22:CRITICAL", "infra/main.tf:24:CRITICAL"]);
  assert.ok(fake.requests.some((r) => r.path.includes("/iterations/2/changes")), "the last iteration");
});

test("threads on file and line and a status; a second call keeps them; a gone finding's thread is closed", async () => {
  const first = await app.gql(ANNOTATE, { n: 12 });
  assert.equal(first.body.errors, undefined, JSON.stringify(first.body.errors));
  assert.deepEqual(first.body.data.annotatePullRequest, { posted: 2, updated: 0, resolved: 0, conclusion: "failure" });
  assert.deepEqual(fake.threads.map((t) => `${t.filePath}:${t.line}:${t.status}`).sort(), ["/infra/main.tf:22:1", "/infra/main.tf:24:1"]);
  assert.deepEqual(fake.statuses.map((s) => s.state), ["failed"]);

  const second = await app.gql(ANNOTATE, { n: 12 });
  assert.deepEqual(second.body.data.annotatePullRequest, { posted: 0, updated: 2, resolved: 0, conclusion: "failure" });
  assert.equal(fake.threads.length, 2, "no duplicate threads");

  await upload("refs/pull/12/merge", [{ rule: "CKV_AWS_2", path: "infra/main.tf", line: 22 }]);
  const third = await app.gql(ANNOTATE, { n: 12 });
  assert.deepEqual(third.body.data.annotatePullRequest, { posted: 0, updated: 1, resolved: 1, conclusion: "failure" });
  const closed = fake.threads.find((t) => t.line === 24)!;
  assert.equal(closed.status, 2, "the gone finding's thread is marked fixed");
  assert.ok(fake.requests.filter((r) => r.method !== "GET").every((r) => r.authorization), "writes carry the PAT to the organization's host");
});
