import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWorkflow } from "./workflows";

const SHA = "8f4b7f84864484a7bf31766abe9204da3cbe65b3";

test("pull_request_target checking out the PR head, then running it: the checkout and the run step are recorded with lines", () => {
  const w = parseWorkflow(".github/workflows/pr.yml", `on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@${SHA}
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - uses: actions/setup-node@v4
      - run: npm install
`);
  assert.deepEqual(w.definition.checkoutsOfUntrustedRef, [{
    job: "build", step: 0, line: 6, ref: "${{ github.event.pull_request.head.sha }}", runsAfter: { step: 2, line: 10, kind: "run" },
  }]);
});

test("checking out the base (no ref), or an untrusted ref with nothing run afterwards", () => {
  const base = parseWorkflow("a.yml", "on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n");
  assert.deepEqual(base.definition.checkoutsOfUntrustedRef, []);
  const noRun = parseWorkflow("b.yml", `on: workflow_run
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo before
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.workflow_run.head_sha }}" }
      - uses: actions/upload-artifact@v4
`);
  assert.equal(noRun.definition.checkoutsOfUntrustedRef!.length, 1);
  assert.equal(noRun.definition.checkoutsOfUntrustedRef![0].runsAfter, null, "a run step before the checkout does not count");
});

test("a local action after checking out refs/pull/N/merge runs the contributor's code; the fork repository counts as untrusted", () => {
  const w = parseWorkflow("c.yml", `on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          repository: \${{ github.event.pull_request.head.repo.full_name }}
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: refs/pull/\${{ github.event.number }}/merge
      - uses: ./.github/actions/build
`);
  const c = w.definition.checkoutsOfUntrustedRef!;
  assert.deepEqual(c.map((x) => [x.job, x.runsAfter?.kind ?? null]), [["a", null], ["b", "local-action"]]);
});

test("interpolations carry their line: exact in block literals, the start line otherwise; github-script too", () => {
  const w = parseWorkflow("d.yml", `on: issues
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo start
          echo "\${{ github.event.issue.title }}"
      - run: echo "\${{ github.event.issue.body }}"
      - uses: actions/github-script@v7
        with:
          script: |
            console.log("\${{ github.event.comment.body }}")
`);
  assert.deepEqual(w.definition.runInterpolations.map((i) => [i.job, i.step, i.line, i.expression]), [
    ["triage", 0, 8, "github.event.issue.title"], ["triage", 1, 9, "github.event.issue.body"], ["triage", 2, 13, "github.event.comment.body"],
  ]);
});

test("unparseable text still reports the parse error and no facts", () => {
  const w = parseWorkflow("e.yml", "on: [push\n");
  assert.ok(w.definition.parseError);
  assert.deepEqual(w.definition.checkoutsOfUntrustedRef, []);
});
