import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWorkflow } from "../connectors/github/workflows";
import { gitHubWorkflowTargets } from "../connectors/github/settings.transform";
import type { CheckOutcome, CheckParameters, CheckStatus } from "./check.types";
import type { WorkflowTarget } from "./targets";
import { githubWorkflowChecks } from "./github-workflow.checks";

const SHA = "8f4b7f84864484a7bf31766abe9204da3cbe65b3";
const PATH = ".github/workflows/pr.yml";

/** A workflow target from YAML text, the way the sync stores it (parseWorkflow → pipeline row → transform). */
function workflow(text: string, orgDefault: "read" | "write" | "unknown" = "read", strip?: "checkouts"): WorkflowTarget {
  const facts = parseWorkflow(PATH, text);
  const definition: Record<string, unknown> = { ...facts.definition, blobSha: "abc" };
  if (strip) delete definition.checkoutsOfUntrustedRef;
  const orgSettings = orgDefault === "unknown" ? {} : { defaultWorkflowPermissions: orgDefault };
  return gitHubWorkflowTargets("acme", { fullName: "acme/api", visibility: "PUBLIC", archived: false, settings: {} },
    [{ name: facts.name, path: PATH, triggers: facts.triggers, definition }], orgSettings)[0];
}
const job = (steps: string, extra = "") => `jobs:\n  build:\n    runs-on: ubuntu-latest\n${extra}    steps:\n${steps}`;
const HEAD_CHECKOUT = `      - uses: actions/checkout@${SHA}\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n`;
const PR_TARGET_HEAD_RUN = `on: pull_request_target\npermissions: { contents: read }\n${job(`${HEAD_CHECKOUT}      - run: npm install\n`)}`;
const PR_TARGET_BASE = `on: pull_request_target\npermissions: { contents: read }\n${job(`      - uses: actions/checkout@${SHA}\n      - run: npm install\n`)}`;
const BROKEN = "on: [push\n";

type Case = [checkId: string, label: string, target: WorkflowTarget, status: CheckStatus, assertions?: (o: CheckOutcome) => void, params?: CheckParameters];
const cases: Case[] = [
  ["github.workflow.dangerous-trigger", "pull_request_target checks out head.sha and runs npm install", workflow(PR_TARGET_HEAD_RUN), "FAIL", (o) => assert.deepEqual(o.evidence?.checkouts, [
    { job: "build", step: 0, line: 7, ref: "${{ github.event.pull_request.head.sha }}", runStep: 1, runLine: 10, runKind: "run" },
  ])],
  ["github.workflow.dangerous-trigger", "pull_request_target checks out the base", workflow(PR_TARGET_BASE), "PASS"],
  ["github.workflow.dangerous-trigger", "head checked out on an unprivileged trigger", workflow(PR_TARGET_HEAD_RUN.replace("pull_request_target", "pull_request")), "PASS"],
  ["github.workflow.dangerous-trigger", "head checked out but nothing run", workflow(`on: pull_request_target\n${job(HEAD_CHECKOUT)}`), "PASS", (o) => assert.match(String(o.evidence?.note), /not run/)],
  ["github.workflow.dangerous-trigger", "issue_comment when configured as privileged", workflow(PR_TARGET_HEAD_RUN.replace("pull_request_target", "issue_comment")), "FAIL", undefined, { triggers: ["issue_comment"] }],
  ["github.workflow.dangerous-trigger", "definition stored before checkout facts", workflow(PR_TARGET_HEAD_RUN, "read", "checkouts"), "UNKNOWN"],
  ["github.workflow.dangerous-trigger", "unparseable", workflow(BROKEN), "UNKNOWN"],
  ["github.workflow.script-injection", "issue title in run", workflow(`on: issues\n${job(`      - run: |\n          echo "\${{ github.event.issue.title }}"\n`)}`), "FAIL",
    (o) => assert.deepEqual(o.evidence?.interpolations, [{ job: "build", step: 0, line: 7, expression: "github.event.issue.title" }])],
  ["github.workflow.script-injection", "through an environment variable", workflow(`on: issues\n${job(`      - env: { TITLE: "\${{ github.event.issue.title }}" }\n        run: echo "$TITLE"\n`)}`), "PASS"],
  ["github.workflow.script-injection", "unparseable", workflow(BROKEN), "UNKNOWN"],
  ["github.workflow.token-permissions", "write-all", workflow(`on: push\npermissions: write-all\n${job("      - run: make\n")}`), "FAIL", (o) => assert.equal(o.evidence?.writeAll, true)],
  ["github.workflow.token-permissions", "no block, organization default write", workflow(`on: push\n${job("      - run: make\n")}`, "write"), "FAIL",
    (o) => assert.deepEqual(o.evidence?.jobsWithoutPermissions, ["build"])],
  ["github.workflow.token-permissions", "no block, organization default read", workflow(`on: push\n${job("      - run: make\n")}`, "read"), "PASS"],
  ["github.workflow.token-permissions", "top-level read block, default write", workflow(`on: push\npermissions: { contents: read }\n${job("      - run: make\n")}`, "write"), "PASS"],
  ["github.workflow.token-permissions", "job-level block, default write", workflow(`on: push\n${job("      - run: make\n", "    permissions: { contents: read }\n")}`, "write"), "PASS"],
  ["github.workflow.token-permissions", "no block, organization default unreadable", workflow(`on: push\n${job("      - run: make\n")}`, "unknown"), "UNKNOWN"],
  ["github.workflow.unpinned-actions", "third-party action on a tag", workflow(`on: push\n${job("      - uses: some/action@v1\n")}`), "FAIL",
    (o) => assert.deepEqual(o.evidence?.unpinned, [{ uses: "some/action@v1", job: "build", step: 0 }])],
  ["github.workflow.unpinned-actions", "third-party action on a SHA", workflow(`on: push\n${job(`      - uses: some/action@${SHA}\n`)}`), "PASS"],
  ["github.workflow.unpinned-actions", "same organization on a branch", workflow(`on: push\n${job("      - uses: ACME/shared-action@main\n")}`), "PASS"],
  ["github.workflow.unpinned-actions", "same organization, allowance off", workflow(`on: push\n${job("      - uses: acme/shared-action@main\n")}`), "FAIL", undefined, { allowSameOrganization: false }],
  ["github.workflow.unpinned-actions", "actions/checkout on a tag by default", workflow(`on: push\n${job("      - uses: actions/checkout@v4\n")}`), "FAIL"],
  ["github.workflow.unpinned-actions", "actions/checkout on a tag, GitHub-owned allowed", workflow(`on: push\n${job("      - uses: actions/checkout@v4\n")}`), "PASS", undefined, { allowGitHubOwned: true }],
  ["github.workflow.unpinned-actions", "an allowed owner", workflow(`on: push\n${job("      - uses: trusted/x@v2\n")}`), "PASS", undefined, { allowedOwners: ["Trusted"] }],
  ["github.workflow.unpinned-actions", "local action and a digest-pinned image", workflow(`on: push\n${job(`      - uses: ./.github/actions/x\n      - uses: docker://alpine@sha256:${"a".repeat(64)}\n`)}`), "PASS"],
  ["github.workflow.unpinned-actions", "image on a tag", workflow(`on: push\n${job("      - uses: docker://alpine:3\n")}`), "FAIL"],
  ["github.workflow.unpinned-actions", "unparseable", workflow(BROKEN), "UNKNOWN", (o) => assert.match((o as { reason: string }).reason, /could not be read or parsed/)],
  ["github.workflow.token-permissions", "unparseable", workflow(BROKEN), "UNKNOWN"],
];

const byId = new Map(githubWorkflowChecks.map((c) => [c.checkId, c]));
for (const [checkId, label, target, status, more, params] of cases) {
  test(`${checkId}: ${label} → ${status}`, () => {
    const check = byId.get(checkId)!;
    const out = check.evaluate(target, { ...check.parameters, ...params }, { now: new Date() });
    assert.equal(out.status, status, JSON.stringify(out));
    more?.(out);
  });
}

test("every GitHub workflow check has a PASS, a FAIL and an UNKNOWN case", () => {
  for (const c of githubWorkflowChecks) {
    const seen = new Set(cases.filter((x) => x[0] === c.checkId).map((x) => x[3]));
    assert.deepEqual([...seen].sort(), ["FAIL", "PASS", "UNKNOWN"], c.checkId);
  }
});
