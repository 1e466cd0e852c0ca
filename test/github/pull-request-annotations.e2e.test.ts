import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "../helpers/app";
import { FakeGitHub } from "../fakes/github/server";
import { postIngest } from "../helpers/ingest";
import { createGitHubConnector, fakeSleep, syncOnce } from "./helpers";

/**
 * Pull request annotations against the fake GitHub: changed lines from the
 * pull request's patch hunks, only new findings (not open on the default
 * branch), a check run named Posturegraph with at most 50 annotations per
 * request, and a second call that updates instead of duplicating.
 */
let app: TestApp;
let fake: FakeGitHub;
let repo: string;
let branch: string;

interface R { rule: string; path: string; line: number; fp: string; level?: string }
const log = (results: R[]) => ({
  version: "2.1.0",
  runs: [{
    tool: { driver: { name: "semgrep", version: "1.0.0", rules: [...new Set(results.map((r) => r.rule))].map((id) => ({ id, properties: { "security-severity": "8.0" } })) } },
    results: results.map((r) => ({
      ruleId: r.rule, level: r.level ?? "error", message: { text: `${r.rule} at ${r.path}:${r.line}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: r.path }, region: { startLine: r.line } } }],
      partialFingerprints: { primaryLocationLineHash: r.fp },
    })),
  }],
});
const upload = async (ref: string, results: R[]) => {
  const r = await postIngest(app, { repository: repo, ref, commit: "a".repeat(40) }, log(results));
  assert.equal(r.status, 200, JSON.stringify(r.body));
};
const LIST = `query($r: String!, $n: Int!) { pullRequestAnnotations(repository: $r, pullRequest: $n) { path startLine endLine severity title ruleId fingerprint priorityLevel finding { id state } } }`;
const ANNOTATE = `mutation($r: String!, $n: Int!, $f: PriorityLevel) { annotatePullRequest(repository: $r, pullRequest: $n, failOn: $f) { posted updated resolved conclusion url } }`;

// 60 findings on the added lines of a new file: two check-run requests (50 + 10).
const big: R[] = Array.from({ length: 60 }, (_, i) => ({ rule: "js/xss", path: "src/new.js", line: i + 1, fp: `new-${i}` }));

before(async () => {
  fake = await new FakeGitHub({ org: "acme", repos: 3, seed: 5 }).start();
  app = await startTestApp({}, { logDestination: { write: (l) => { if (process.env.DEBUG_LOG) process.stderr.write(l); } } });
  app.services.sync.options.github = { ...app.services.sync.options.github, sleep: fakeSleep().sleep };
  const run = await syncOnce(app, await createGitHubConnector(app, fake));
  assert.notEqual(run.status, "FAILED", JSON.stringify(run.errors));
  const r = fake.org.repos.find((x) => x.defaultBranchRef)!;
  repo = r.nameWithOwner; branch = r.defaultBranchRef!.name;
  fake.pulls.set(`${r.name}#7`, {
    head: "c".repeat(40),
    files: [
      // lines 9-11 added, 8 and 12-13 context
      { filename: "src/a.js", status: "modified", patch: "@@ -8,4 +8,7 @@ function a() {\n ctx\n+one\n+two\n+three\n ctx\n-old\n ctx" },
      { filename: "src/new.js", status: "added", patch: "@@ -0,0 +1,60 @@\n" + Array.from({ length: 60 }, (_, i) => `+line ${i + 1}`).join("\n") },
      { filename: "docs/readme.md", status: "modified", patch: "@@ -1 +1 @@\n-a\n+b" },
    ],
  });
  // The default branch: one finding already open on a line the pull request touches.
  await upload(`refs/heads/${branch}`, [{ rule: "js/sqli", path: "src/a.js", line: 10, fp: "known" }]);
  await upload("refs/pull/7/head", [
    { rule: "js/sqli", path: "src/a.js", line: 10, fp: "known" }, // open on the default branch: not new
    { rule: "js/eval", path: "src/a.js", line: 9, fp: "added" }, // new, on an added line
    { rule: "js/eval", path: "src/a.js", line: 13, fp: "context" }, // new, but on an unchanged line
    { rule: "js/eval", path: "src/other.js", line: 3, fp: "other-file" }, // a file the pull request did not change
    ...big,
  ]);
});
after(async () => { await app?.stop(); await fake?.stop(); });

test("pullRequestAnnotations: only new findings, only on the lines the pull request added", async () => {
  const res = await app.gql(LIST, { r: repo, n: 7 });
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  const list = res.body.data.pullRequestAnnotations;
  const at = list.map((a: any) => `${a.path}:${a.startLine}`).sort();
  assert.deepEqual(at, ["src/a.js:9", ...big.map((b) => `${b.path}:${b.line}`)].sort());
  const added = list.find((a: any) => a.path === "src/a.js");
  assert.deepEqual([added.path, added.startLine, added.endLine, added.severity, added.finding], ["src/a.js", 9, 9, "HIGH", null]);
  assert.match(added.priorityLevel, /^P[0-4]$/);
  assert.ok(fake.requests.some((r) => r.path.startsWith(`/repos/${repo}/pulls/7/files`)), "changed lines read from the pull request's files");
});

test("annotatePullRequest posts one check run in requests of at most 50 annotations; a second call does not duplicate", async () => {
  // Every finding is at P4 or more urgent: failOn P4 fails the check.
  const first = await app.gql(ANNOTATE, { r: repo, n: 7, f: "P4" });
  assert.equal(first.body.errors, undefined, JSON.stringify(first.body.errors));
  assert.match(first.body.data.annotatePullRequest.url, /runs\/1$/);
  assert.deepEqual({ ...first.body.data.annotatePullRequest, url: undefined }, { posted: 61, updated: 0, resolved: 0, conclusion: "failure", url: undefined });
  assert.equal(fake.checkRuns.length, 1);
  const run = fake.checkRuns[0];
  assert.equal(run.name, "Posturegraph");
  assert.equal(run.headSha, "c".repeat(40));
  assert.equal(run.annotations.length, 61);
  assert.equal(run.requests, 2, "50 + 11: one POST and one PATCH");
  assert.deepEqual(new Set(run.annotations.map((a: any) => `${a.path}:${a.start_line}`)).size, 61);

  const second = await app.gql(ANNOTATE, { r: repo, n: 7 });
  // Default failOn P1: these undeployed HIGH findings are below it, so the same check run turns to success.
  assert.deepEqual({ ...second.body.data.annotatePullRequest, url: undefined }, { posted: 0, updated: 61, resolved: 0, conclusion: "success", url: undefined });
  assert.equal(fake.checkRuns.length, 1, "the same check run is updated");
  assert.equal(fake.checkRuns[0].conclusion, "success");
  assert.equal(fake.checkRuns[0].annotations.length, 61, "no annotation is posted twice");
});

test("a finding gone from the pull request is resolved: its check run is replaced without it", async () => {
  await upload("refs/pull/7/head", [{ rule: "js/eval", path: "src/a.js", line: 9, fp: "added" }, ...big.slice(0, 10)]);
  const res = await app.gql(ANNOTATE, { r: repo, n: 7 });
  assert.deepEqual({ ...res.body.data.annotatePullRequest, url: undefined }, { posted: 0, updated: 11, resolved: 50, conclusion: "success", url: undefined });
  assert.equal(fake.checkRuns.length, 2);
  assert.equal(fake.checkRuns[1].annotations.length, 11);
});

test("unknown repositories and pull requests are clear errors; read scope lists, write scope posts", async () => {
  const missing = await app.gql(LIST, { r: "acme/nope", n: 7 });
  assert.equal(missing.body.errors[0].extensions.code, "NOT_FOUND");
  const noPr = await app.gql(LIST, { r: repo, n: 999 });
  assert.equal(noPr.body.errors[0].extensions.code, "NOT_FOUND");
  const bad = await app.gql(LIST, { r: repo, n: 0 });
  assert.equal(bad.body.errors[0].extensions.code, "BAD_USER_INPUT");
  const t = await app.gql(`mutation { createApiToken(input: { name: "reader", scopes: [READ] }) { token } }`);
  const reader = t.body.data.createApiToken.token;
  assert.equal((await app.gql(LIST, { r: repo, n: 7 }, reader)).body.errors, undefined);
  assert.equal((await app.gql(ANNOTATE, { r: repo, n: 7 }, reader)).body.errors[0].extensions.code, "FORBIDDEN");
});
