import type { AdoPipelineTarget, RepositoryTarget, SecureFileTarget, ServiceConnectionTarget, VariableGroupTarget } from "./targets";
import { CheckOutcome, fail, fromTri, pass, PostureCheckDefinition, unknown } from "./check.types";
import { branchFlag, minApprovalsOutcome, noBranch, protectionEvidence, protectionReason } from "./check-helpers";

/**
 * Azure DevOps checks (Defender for DevOps' Azure DevOps recommendations).
 * Repository checks read the effective branch policies of the default branch
 * (effectiveAdoProtection: only policies whose scope matches it count).
 */
const LEARN = "https://learn.microsoft.com/en-us/azure/devops";
const POLICIES = `${LEARN}/repos/git/branch-policies`;
const repo = { platform: "AZURE_DEVOPS", targetKind: "repository", parameters: {} } as const;

/** A reviewer setting only matters under a minimum-reviewers policy: without one, the requestor completes the pull request alone. */
function reviewerSetting(t: RepositoryTarget, field: "creatorVoteCounts" | "resetApprovalsOnPush", bad: boolean): CheckOutcome {
  const p = t.protection;
  const none = noBranch(p);
  if (none) return none;
  if (p.minApprovals === 0 && p.unreadable.length === 0) return fail(protectionEvidence(p, { minApprovals: 0, note: "no minimum-reviewers policy applies to the default branch" }));
  const value = p[field];
  const evidence = protectionEvidence(p, { minApprovals: p.minApprovals, [field]: value });
  if (value === "unknown" || p.minApprovals === "unknown") return unknown(protectionReason(p), evidence);
  return value !== bad ? pass(evidence) : fail(evidence);
}

const minReviewers: PostureCheckDefinition<RepositoryTarget, { minApprovals: number }> = {
  ...repo, checkId: "ado.repo.min-reviewers", title: "The default branch requires reviewers", severity: "HIGH", parameters: { minApprovals: 2 },
  rationale: "A minimum-reviewers policy on the default branch means no change lands without others approving it; two make one careless or compromised account insufficient.",
  remediation: "Add a blocking \"Require a minimum number of reviewers\" policy on the default branch (or all repositories' default branches) with at least the configured count.",
  docsUrl: `${POLICIES}#require-a-minimum-number-of-reviewers`, evaluate: ({ protection: p }, { minApprovals }) => minApprovalsOutcome(p, minApprovals),
};

const creatorVote: PostureCheckDefinition<RepositoryTarget> = {
  ...repo, checkId: "ado.repo.creator-vote-counts", title: "Requestors cannot approve their own pull requests", severity: "HIGH",
  rationale: "When the creator's vote counts, a single person can author and approve a change.",
  remediation: "Clear \"Allow requestors to approve their own changes\" in the minimum-reviewers policy of the default branch.",
  docsUrl: `${POLICIES}#require-a-minimum-number-of-reviewers`, evaluate: (t) => reviewerSetting(t, "creatorVoteCounts", true),
};

const resetVotes: PostureCheckDefinition<RepositoryTarget> = {
  ...repo, checkId: "ado.repo.reset-votes", title: "Approvals reset when new changes are pushed", severity: "MEDIUM",
  rationale: "An approval given before new commits were pushed lets unreviewed code complete under it.",
  remediation: "Select \"When new changes are pushed: Reset all approval votes\" in the minimum-reviewers policy of the default branch.",
  docsUrl: `${POLICIES}#require-a-minimum-number-of-reviewers`, evaluate: (t) => reviewerSetting(t, "resetApprovalsOnPush", false),
};

const buildValidation: PostureCheckDefinition<RepositoryTarget> = {
  ...repo, checkId: "ado.repo.build-validation", title: "Pull requests into the default branch must build", severity: "MEDIUM",
  rationale: "A blocking build validation policy makes CI (tests, scanners) a gate on the default branch rather than advice.",
  remediation: "Add a blocking build validation policy for the default branch.",
  docsUrl: `${POLICIES}#build-validation`,
  evaluate: ({ protection: p }) => branchFlag(p, p.requireBuildValidation, "requireBuildValidation", { requiredChecks: p.requiredChecks }),
};

const forkSecrets: PostureCheckDefinition<AdoPipelineTarget> = {
  platform: "AZURE_DEVOPS", targetKind: "pipeline", parameters: {},
  checkId: "ado.pipeline.fork-secrets", title: "Builds of forks get no secrets", severity: "HIGH",
  rationale: "A pull request from a fork is code from anyone; if its build gets the pipeline's secrets, the fork's author can read them.",
  remediation: "In the pipeline's pull request trigger, clear \"Make secrets available to builds of forks\" (or stop building forks).",
  docsUrl: `${LEARN}/pipelines/repos/github#validate-contributions-from-forks`,
  evaluate: ({ pipeline: { forkBuilds: f } }) => {
    const evidence = { forkBuildsEnabled: f.enabled, secretsAvailable: f.secretsAvailable };
    if (f.enabled === false || f.secretsAvailable === false) return pass(evidence);
    if (f.enabled === "unknown" || f.secretsAvailable === "unknown") return unknown("the connector could not read the pipeline's fork build settings", evidence);
    return fail(evidence);
  },
};

const openReason = "the connector could not read the resource's pipeline permissions";

const endpointOpen: PostureCheckDefinition<ServiceConnectionTarget> = {
  platform: "AZURE_DEVOPS", targetKind: "service-connection", parameters: {},
  checkId: "ado.endpoint.open-to-all-pipelines", title: "The service connection is not open to all pipelines", severity: "HIGH",
  rationale: "A service connection granted to all pipelines can be used by any pipeline in the project, including one an attacker edits, to reach what the connection reaches.",
  remediation: "Turn off \"Grant access permission to all pipelines\" and authorize the connection for the pipelines that need it.",
  docsUrl: `${LEARN}/pipelines/library/service-endpoints`,
  evaluate: ({ connection: c }) => fromTri(c.openToAllPipelines, openReason, { type: c.type, openToAllPipelines: c.openToAllPipelines }, true),
};

const classicAzure: PostureCheckDefinition<ServiceConnectionTarget> = {
  platform: "AZURE_DEVOPS", targetKind: "service-connection", parameters: {},
  checkId: "ado.endpoint.classic-azure", title: "No classic Azure service connection", severity: "MEDIUM",
  rationale: "The classic Azure (type azure) connection authenticates with a management certificate or credentials to a whole subscription; Azure Resource Manager connections support workload identity federation and scoped roles.",
  remediation: "Replace it with an Azure Resource Manager service connection using workload identity federation, scoped to the resource group it needs.",
  docsUrl: `${LEARN}/pipelines/library/connect-to-azure`,
  evaluate: ({ connection: c }) => fromTri(c.classicAzure, "the service connection's type could not be read", { type: c.type, authorizationScheme: c.authorizationScheme }, true),
};

const variableGroupOpen: PostureCheckDefinition<VariableGroupTarget> = {
  platform: "AZURE_DEVOPS", targetKind: "variable-group", parameters: {},
  checkId: "ado.variable-group.open-to-all-pipelines", title: "Variable groups with secrets are not open to all pipelines", severity: "HIGH",
  rationale: "A variable group holding secrets that all pipelines may use hands those secrets to any pipeline in the project.",
  remediation: "Turn off open access on the variable group's Pipeline permissions and authorize only the pipelines that need it.",
  docsUrl: `${LEARN}/pipelines/library/variable-groups`,
  // Only groups holding secret variables matter: an open group of plain settings passes.
  evaluate: ({ group: g }) => {
    const evidence = { hasSecrets: g.hasSecrets, openToAllPipelines: g.openToAllPipelines };
    if (g.hasSecrets === false || g.openToAllPipelines === false) return pass(evidence);
    if (g.hasSecrets === "unknown") return unknown("the connector could not read whether the variable group holds secret variables", evidence);
    if (g.openToAllPipelines === "unknown") return unknown(openReason, evidence);
    return fail(evidence);
  },
};

const secureFileOpen: PostureCheckDefinition<SecureFileTarget> = {
  platform: "AZURE_DEVOPS", targetKind: "secure-file", parameters: {},
  checkId: "ado.secure-file.open-to-all-pipelines", title: "Secure files are not open to all pipelines", severity: "HIGH",
  rationale: "Secure files hold signing certificates, provisioning profiles and keys; open to all pipelines, any pipeline in the project can download them.",
  remediation: "Turn off open access on the secure file's Pipeline permissions and authorize only the pipelines that need it.",
  docsUrl: `${LEARN}/pipelines/library/secure-files`,
  evaluate: ({ file: f }) => fromTri(f.openToAllPipelines, openReason, { openToAllPipelines: f.openToAllPipelines }, true),
};

// Heterogeneous targets in one list; the registry matches each check to targets of its kind.
export const azureDevOpsChecks: PostureCheckDefinition[] = [
  minReviewers, creatorVote, resetVotes, buildValidation, forkSecrets, endpointOpen, classicAzure, variableGroupOpen, secureFileOpen,
];
