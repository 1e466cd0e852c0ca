import type { ActionUse, GitHubWorkflowSecurity } from "../inventory/settings";
import type { WorkflowTarget } from "./targets";
import { CheckOutcome, CheckParameters, fail, pass, PostureCheckDefinition, unknown } from "./check.types";

/** GitHub Actions workflow checks (OpenSSF Scorecard's Dangerous-Workflow, Token-Permissions, Pinned-Dependencies). */
type WorkflowCheck<P extends CheckParameters = CheckParameters> = PostureCheckDefinition<WorkflowTarget, P>;

const HARDENING = "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions";
const base = { platform: "GITHUB", targetKind: "workflow", parameters: {} } as const;

/** A file we could not parse has no facts: every workflow check answers UNKNOWN for it. */
function unreadable(w: GitHubWorkflowSecurity): CheckOutcome | null {
  return w.parseError ? unknown(`the workflow file could not be read or parsed: ${w.parseError}`, { path: w.path }) : null;
}

const dangerousTrigger: WorkflowCheck<{ triggers: string[] }> = {
  ...base, checkId: "github.workflow.dangerous-trigger", title: "Privileged triggers don't run pull request code", severity: "CRITICAL",
  parameters: { triggers: ["pull_request_target", "workflow_run"] },
  rationale: "pull_request_target and workflow_run run with the repository's secrets and a write token; checking out the pull request's head and running it (npm install, a build, a local action) hands both to whoever opened the pull request.",
  remediation: "Use the pull_request trigger for building untrusted code, or keep the privileged workflow on the base ref and pass results through artifacts; never run code checked out from the pull request's head there.",
  docsUrl: "https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#pull_request_target",
  evaluate: ({ workflow: w }, { triggers }) => {
    const bad = unreadable(w);
    if (bad) return bad;
    const privileged = w.triggers.filter((t) => triggers.includes(t));
    if (!privileged.length) return pass({ path: w.path, triggers: w.triggers });
    if (w.untrustedCheckouts === "unknown") return unknown("the stored definition predates checkout facts; sync the repository again", { path: w.path, triggers: privileged });
    const run = w.untrustedCheckouts.filter((c) => c.runStep !== null);
    if (run.length) return fail({ path: w.path, triggers: privileged, checkouts: run });
    // A checkout of the head that nothing runs (e.g. only read or diffed) is not this weakness; it is shown.
    return pass({ path: w.path, triggers: privileged, checkouts: w.untrustedCheckouts, ...(w.untrustedCheckouts.length ? { note: "pull request head checked out but not run" } : {}) });
  },
};

const scriptInjection: WorkflowCheck = {
  ...base, checkId: "github.workflow.script-injection", title: "run steps don't interpolate untrusted event fields", severity: "HIGH",
  rationale: "${{ github.event.issue.title }} and similar fields are written by outsiders and pasted into the script before it runs: a crafted title runs commands with the workflow's token and secrets.",
  remediation: "Pass the value through an environment variable (env: TITLE: ${{ github.event.issue.title }}, then \"$TITLE\" in the script) instead of interpolating it into run: or github-script.",
  docsUrl: `${HARDENING}#understanding-the-risk-of-script-injections`,
  evaluate: ({ workflow: w }) => {
    const bad = unreadable(w);
    if (bad) return bad;
    return w.untrustedInterpolations.length ? fail({ path: w.path, interpolations: w.untrustedInterpolations }) : pass({ path: w.path, interpolations: [] });
  },
};

const tokenPermissions: WorkflowCheck = {
  ...base, checkId: "github.workflow.token-permissions", title: "The workflow token is not given write-all", severity: "HIGH",
  rationale: "Every job gets a GITHUB_TOKEN; with write-all (or the organization's write default) a compromised step can push code, create releases and change issues.",
  remediation: "Declare `permissions:` at the top of the workflow with the least needed (e.g. contents: read) and widen it only in the jobs that need more; set the organization default to read.",
  docsUrl: "https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#modifying-the-permissions-for-the-github_token",
  evaluate: ({ workflow: w, organizationDefaultPermissions: orgDefault }) => {
    const bad = unreadable(w);
    if (bad) return bad;
    const written = { path: w.path, permissions: w.permissions, jobPermissions: w.jobPermissions.filter((j) => j.permissions !== null) };
    if (w.writeAll) return fail({ ...written, writeAll: true });
    if (!w.jobsWithoutPermissions.length) return pass(written);
    const evidence = { ...written, jobsWithoutPermissions: w.jobsWithoutPermissions, organizationDefault: orgDefault };
    if (orgDefault === "unknown") return unknown("some jobs declare no permissions and the organization's default workflow permissions could not be read", evidence);
    return orgDefault === "write" ? fail(evidence) : pass(evidence);
  },
};

const GITHUB_OWNED = new Set(["actions", "github"]);

const unpinnedActions: WorkflowCheck<{ allowSameOrganization: boolean; allowGitHubOwned: boolean; allowedOwners: string[] }> = {
  ...base, checkId: "github.workflow.unpinned-actions", title: "Third-party actions are pinned to a commit SHA", severity: "MEDIUM",
  parameters: { allowSameOrganization: true, allowGitHubOwned: false, allowedOwners: [] },
  rationale: "A tag or branch can be moved to different code at any time (as in the tj-actions/changed-files compromise); only a full commit SHA fixes what runs.",
  remediation: "Reference actions and reusable workflows by full commit SHA (with the version as a comment) and images by digest; let Dependabot keep the pins current.",
  docsUrl: `${HARDENING}#using-third-party-actions`,
  // Local ./ actions come from the repository itself: always fine. "GitHub-owned" means the actions and github organizations.
  evaluate: ({ workflow: w, org }, params) => {
    const bad = unreadable(w);
    if (bad) return bad;
    const allowed = new Set(params.allowedOwners.map((o) => o.toLowerCase()));
    if (params.allowSameOrganization) allowed.add(org.toLowerCase());
    if (params.allowGitHubOwned) GITHUB_OWNED.forEach((o) => allowed.add(o));
    const exempt = (a: ActionUse) => a.pinned || a.kind === "local" || (a.owner !== null && allowed.has(a.owner));
    const unpinned = w.actions.filter((a) => !exempt(a)).map((a) => ({ uses: a.uses, job: a.job, step: a.step }));
    const evidence = { path: w.path, actions: w.actions.length, allowedOwners: [...allowed].sort() };
    return unpinned.length ? fail({ ...evidence, unpinned }) : pass(evidence);
  },
};

export const githubWorkflowChecks: WorkflowCheck[] = [dangerousTrigger, scriptInjection, tokenPermissions, unpinnedActions];
