import type { RepositoryTarget } from "./targets";
import { CheckParameters, fail, fromTri, pass, PostureCheckDefinition, unknown } from "./check.types";
import { branchFlag, minApprovalsOutcome, noBranch, protectionReason } from "./check-helpers";

/**
 * GitHub repository checks. Branch checks read the effective protection of
 * the default branch (classic rules and rulesets merged: reading only classic
 * protection gives false results, ossf/scorecard#3326). Settings the token
 * could not read answer UNKNOWN, never FAIL.
 */
type RepoCheck<P extends CheckParameters = CheckParameters> = PostureCheckDefinition<RepositoryTarget, P>;

const DOCS = "https://docs.github.com/en";
const RULESETS = `${DOCS}/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets`;
const PROTECTED = `${DOCS}/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches`;
const base = { platform: "GITHUB", targetKind: "repository", parameters: {} } as const;

const branchProtected: RepoCheck = {
  ...base, checkId: "github.repo.branch-protected", title: "Default branch is protected", severity: "HIGH",
  rationale: "Without a branch protection rule or an active ruleset, anyone with write access can push anything to the default branch.",
  remediation: "Add an active ruleset (repository or organization) or a branch protection rule targeting the default branch. A ruleset in evaluate mode enforces nothing.",
  docsUrl: `${DOCS}/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets`,
  // A broad bypass list still passes here: the rules bind everyone outside it. The weakness is
  // reported once, by github.repo.admins-enforced; the evidence says it.
  evaluate: ({ protection: p }) => {
    const out = branchFlag(p, p.protected, "protected", { bypassActors: p.bypassActors, broadBypass: p.broadBypass });
    if (out.status === "FAIL" && p.evaluateOnly.length) return fail({ ...out.evidence, note: "rulesets in evaluate mode report but do not enforce" });
    return out;
  },
};

const forcePush: RepoCheck = {
  ...base, checkId: "github.repo.force-push-blocked", title: "Force pushes to the default branch are blocked", severity: "MEDIUM",
  rationale: "A force push rewrites the default branch's history and can silently drop reviewed commits.",
  remediation: "Add the \"Block force pushes\" rule to a ruleset on the default branch (or leave \"Allow force pushes\" off in branch protection).",
  docsUrl: RULESETS, evaluate: ({ protection: p }) => branchFlag(p, p.blockForcePushes, "blockForcePushes"),
};

const deletion: RepoCheck = {
  ...base, checkId: "github.repo.deletion-blocked", title: "The default branch cannot be deleted", severity: "MEDIUM",
  rationale: "Deleting the default branch removes its protection and history from the repository's main line.",
  remediation: "Add the \"Restrict deletions\" rule to a ruleset on the default branch (or leave \"Allow deletions\" off in branch protection).",
  docsUrl: RULESETS, evaluate: ({ protection: p }) => branchFlag(p, p.blockDeletions, "blockDeletions"),
};

const requiredReviews: RepoCheck<{ minApprovals: number }> = {
  ...base, checkId: "github.repo.required-reviews", title: "Pull requests need approving reviews", severity: "HIGH", parameters: { minApprovals: 2 },
  rationale: "Changes reaching the default branch should be approved by people other than their author; two reviewers make a single compromised or careless account insufficient.",
  remediation: "Require a pull request before merging, with at least the configured number of approvals, in a ruleset or branch protection rule on the default branch.",
  docsUrl: `${PROTECTED}#require-pull-request-reviews-before-merging`, evaluate: ({ protection: p }, { minApprovals }) => minApprovalsOutcome(p, minApprovals),
};

const staleReviews: RepoCheck = {
  ...base, checkId: "github.repo.stale-reviews-dismissed", title: "Stale approvals are dismissed on new pushes", severity: "MEDIUM",
  rationale: "An approval given before new commits were pushed lets unreviewed code merge under it.",
  remediation: "Enable \"Dismiss stale pull request approvals when new commits are pushed\" on the default branch.",
  docsUrl: RULESETS, evaluate: ({ protection: p }) => branchFlag(p, p.resetApprovalsOnPush, "dismissStaleReviews"),
};

const codeOwnerReview: RepoCheck = {
  ...base, checkId: "github.repo.code-owner-review", title: "Code owners must review their files", severity: "MEDIUM",
  rationale: "A CODEOWNERS file names who must look at changes to each area; it is only enforced when code owner review is required.",
  remediation: "Enable \"Require review from Code Owners\" on the default branch.",
  docsUrl: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners`,
  // Only meaningful with a CODEOWNERS file: without one it passes (and says so); the missing file is codeowners-valid's failure.
  evaluate: ({ protection: p, security: s }) => {
    const co = s.codeowners;
    if (p.requireCodeOwnerReview === true) return branchFlag(p, true, "requireCodeOwnerReview", { codeowners: co.path });
    if (co.present === false) return noBranch(p) ?? pass({ codeowners: "no CODEOWNERS file", requireCodeOwnerReview: p.requireCodeOwnerReview });
    if (co.present === "unknown") return unknown("the connector could not read whether a CODEOWNERS file exists", { requireCodeOwnerReview: p.requireCodeOwnerReview });
    return branchFlag(p, p.requireCodeOwnerReview, "requireCodeOwnerReview", { codeowners: co.path });
  },
};

const statusChecks: RepoCheck = {
  ...base, checkId: "github.repo.status-checks-required", title: "Status checks must pass before merging", severity: "MEDIUM",
  rationale: "Required status checks make CI (tests, scanners) a gate rather than advice.",
  remediation: "Require status checks to pass on the default branch and name the checks that must succeed.",
  docsUrl: `${PROTECTED}#require-status-checks-before-merging`,
  evaluate: ({ protection: p }) => {
    const out = branchFlag(p, p.requireStatusChecks, "requireStatusChecks", { requiredChecks: p.requiredChecks });
    // Classic protection can require status checks while naming none: nothing is then required.
    if (out.status === "PASS" && p.requiredChecks.length === 0) {
      return p.unreadable.length ? unknown(protectionReason(p), out.evidence) : fail({ ...out.evidence, note: "status checks are required but none is named" });
    }
    return out;
  },
};

const adminsEnforced: RepoCheck = {
  ...base, checkId: "github.repo.admins-enforced", title: "Nobody can bypass the default branch's protection", severity: "MEDIUM",
  rationale: "A bypass list or protection not enforced for administrators lets those people push straight to the default branch; a broad bypass (a repository role, organization admins, deploy keys) covers a whole class of accounts.",
  remediation: "Enforce branch protection for administrators and empty the rulesets' bypass lists, or limit them to a named team or app that needs it.",
  docsUrl: `${DOCS}/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/creating-rulesets-for-a-repository#granting-bypass-permissions-for-your-ruleset`,
  evaluate: ({ protection: p }) => branchFlag(p, p.enforcedForAdmins, "enforcedForAdmins", { bypassActors: p.bypassActors, broadBypass: p.broadBypass }),
};

const secretScanning: RepoCheck = {
  ...base, checkId: "github.repo.secret-scanning", title: "Secret scanning is enabled", severity: "HIGH",
  rationale: "Secret scanning finds credentials committed to the repository before someone else does.",
  remediation: "Enable secret scanning in the repository's Code security settings (or through a security configuration for the organization).",
  docsUrl: `${DOCS}/code-security/secret-scanning/introduction/about-secret-scanning`,
  evaluate: ({ security: s }) => fromTri(s.secretScanning, "the connector could not read the repository's secret scanning setting", { secretScanning: s.secretScanning }),
};

const pushProtection: RepoCheck = {
  ...base, checkId: "github.repo.push-protection", title: "Secret scanning push protection is enabled", severity: "HIGH",
  rationale: "Push protection blocks pushes that contain secrets, instead of alerting after the secret is already exposed.",
  remediation: "Enable push protection for secret scanning in the repository's Code security settings.",
  docsUrl: `${DOCS}/code-security/secret-scanning/introduction/about-push-protection`,
  evaluate: ({ security: s }) => fromTri(s.pushProtection, "the connector could not read the repository's push protection setting", { pushProtection: s.pushProtection }),
};

const codeScanning: RepoCheck = {
  ...base, checkId: "github.repo.code-scanning", title: "Code scanning is set up", severity: "MEDIUM",
  rationale: "Code scanning (CodeQL or another SARIF-producing tool) finds vulnerabilities in the code as it changes.",
  remediation: "Enable code scanning default setup, or add a workflow that uploads SARIF results.",
  docsUrl: `${DOCS}/code-security/code-scanning/introduction-to-code-scanning/about-code-scanning`,
  evaluate: ({ security: s }) => fromTri(s.codeScanning, "the connector could not read whether code scanning is set up (no setting, analysis or alert was readable)", { codeScanning: s.codeScanning }),
};

const dependabot: RepoCheck = {
  ...base, checkId: "github.repo.dependabot-alerts", title: "Dependabot alerts are enabled", severity: "MEDIUM",
  rationale: "Dependabot alerts report dependencies with known vulnerabilities.",
  remediation: "Enable Dependabot alerts (and the dependency graph) in the repository's Code security settings.",
  docsUrl: `${DOCS}/code-security/dependabot/dependabot-alerts/about-dependabot-alerts`,
  evaluate: ({ security: s }) => fromTri(s.dependabotAlerts, "the connector could not read whether Dependabot alerts are enabled (reading it needs admin access)", { dependabotAlerts: s.dependabotAlerts }),
};

const codeownersValid: RepoCheck = {
  ...base, checkId: "github.repo.codeowners-valid", title: "A valid CODEOWNERS file is present", severity: "LOW",
  rationale: "CODEOWNERS routes reviews and ownership; lines GitHub cannot parse are silently ignored, leaving paths without owners.",
  remediation: "Add a CODEOWNERS file in .github/, the root or docs/, and fix the errors GitHub shows on the file.",
  docsUrl: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-syntax`,
  evaluate: ({ security: { codeowners: co } }) => {
    if (co.present === "unknown") return unknown("the connector could not read the places GitHub looks for CODEOWNERS");
    if (!co.present) return fail({ codeowners: "no CODEOWNERS file" });
    if (co.errors.length) return fail({ path: co.path, errors: co.errors });
    if (co.partial) return unknown("only the first part of the CODEOWNERS file could be read", { path: co.path });
    return pass({ path: co.path, errors: [] });
  },
};

const publicSelfHosted: RepoCheck = {
  ...base, checkId: "github.repo.public-self-hosted-runner", title: "Public repositories don't use self-hosted runners", severity: "HIGH",
  rationale: "Anyone can open a pull request on a public repository; a self-hosted runner would run their code on your machine and network, and may keep state between jobs.",
  remediation: "Use GitHub-hosted runners for public repositories, or restrict the runner group so public repositories cannot use it.",
  docsUrl: `${DOCS}/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security`,
  evaluate: ({ visibility, workflows }) => {
    const v = visibility.toUpperCase();
    if (v !== "PUBLIC") return v === "UNKNOWN" ? unknown("the repository's visibility is unknown") : pass({ visibility: v });
    if (!workflows) return unknown("the repository's workflows were not synced", { visibility: v });
    const jobs = workflows.flatMap((w) => w.selfHostedJobs.map((j) => ({ workflow: w.path, ...j })));
    if (jobs.length) return fail({ visibility: v, selfHostedJobs: jobs });
    const unread = workflows.filter((w) => w.parseError).map((w) => ({ workflow: w.path, parseError: w.parseError }));
    if (unread.length) return unknown("some workflows could not be read", { visibility: v, unread });
    return pass({ visibility: v, workflows: workflows.length });
  },
};

export const githubRepositoryChecks: RepoCheck[] = [
  branchProtected, forcePush, deletion, requiredReviews, staleReviews, codeOwnerReview, statusChecks, adminsEnforced,
  secretScanning, pushProtection, codeScanning, dependabot, codeownersValid, publicSelfHosted,
];
