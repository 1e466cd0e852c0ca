/**
 * The neutral, provider-independent settings posture checks read. Each
 * connector's transform maps its stored shapes onto these (GitHub:
 * connectors/github/settings.transform.ts; Azure DevOps branch policies:
 * ado-policies.ts), so a check never knows where a value came from.
 *
 * "unknown" means the value could not be read (a token without admin rights,
 * a field that came back with an error, a row synced before the value was
 * recorded). It is never the same as "off": checks answer UNKNOWN for it.
 * Pure types and small helpers, no I/O.
 */
export type Tri = boolean | "unknown";
export type Count = number | "unknown";
export type Platform = "GITHUB" | "AZURE_DEVOPS";

export interface BypassActorInfo {
  kind: "organization-admin" | "repository-role" | "deploy-key" | "team" | "app" | "user" | "other";
  /** The role, team slug or app slug; null for organization admins and deploy keys. */
  name: string | null;
  /** ALWAYS, PULL_REQUEST (only through a pull request), … as the source says; null when not said. */
  mode: string | null;
  /**
   * A whole class of people (or machines) rather than a named team or app:
   * organization admins, any repository role (write, maintain, admin, custom
   * roles built on them), deploy keys.
   */
  broad: boolean;
}

/** The effective protection of a repository's default branch, all sources merged (most restrictive wins). */
export interface BranchProtection {
  /** The default branch (short name, e.g. "main"); null when the repository has none (empty). */
  branch: string | null;
  /** Some enforced rule, ruleset or blocking policy applies to the branch. */
  protected: Tri;
  /** What gives the protection, for evidence: "branch-protection:main", "ruleset:org:acme:protect-main", "policy:12:Minimum number of reviewers". */
  sources: string[];
  /** Rules that apply but do not enforce: GitHub rulesets in evaluate mode, Azure DevOps optional (non-blocking) policies. */
  evaluateOnly: string[];
  /** What could not be read; while not empty, a count or list may be short of the truth (checks answer UNKNOWN rather than FAIL). */
  unreadable: string[];
  requirePullRequest: Tri;
  minApprovals: Count;
  requireCodeOwnerReview: Tri;
  /**
   * Approvals stop counting when new commits are pushed: GitHub "dismiss
   * stale reviews", Azure DevOps "reset all approval votes" (resetOnSourcePush).
   * One field for both, since the risk is the same.
   */
  resetApprovalsOnPush: Tri;
  /** The most recent push must be approved by someone else: GitHub requireLastPushApproval, Azure DevOps requireVoteOnLastIteration / blockLastPusherVote. */
  requireLastPushApproval: Tri;
  /**
   * The requestor's own approval counts toward the minimum (Azure DevOps
   * creatorVoteCounts on the applying minimum-reviewers policies). GitHub
   * never counts the author's approval: false there. False as well when no
   * minimum-reviewers policy applies (requirePullRequest / minApprovals say so).
   */
  creatorVoteCounts: Tri;
  /** Some required check must pass before merge: GitHub required status checks, Azure DevOps build validation or status policy. */
  requireStatusChecks: Tri;
  /** A build must pass: Azure DevOps build validation; on GitHub, required status checks (CI reports through them). */
  requireBuildValidation: Tri;
  /** Named checks, status contexts or build definitions, for evidence. */
  requiredChecks: string[];
  blockForcePushes: Tri;
  blockDeletions: Tri;
  requireConversationResolution: Tri;
  /** Nobody may bypass, administrators included. */
  enforcedForAdmins: Tri;
  bypassActors: BypassActorInfo[];
  /** Some bypass actor is broad (see BypassActorInfo.broad); unknown when a bypass list could not be read. */
  broadBypass: Tri;
}

export interface CodeownersState {
  /** A CODEOWNERS file is in one of the places the platform looks. */
  present: Tri;
  path: string | null;
  /** Syntax errors (the platform's own, or found by our reading of the text); empty when none. */
  errors: string[];
  /** Only part of the file could be read: no error found is then not proof of none. */
  partial?: boolean;
}

export interface RepositorySecurity {
  secretScanning: Tri;
  pushProtection: Tri;
  /** Code scanning set up (enabled, or analyses or alerts present). */
  codeScanning: Tri;
  /** Dependabot alerts (GitHub) / dependency scanning alerts. */
  dependabotAlerts: Tri;
  codeowners: CodeownersState;
  /** PUBLIC, PRIVATE, INTERNAL or UNKNOWN. */
  visibility: string;
  archived: boolean;
  /** Azure DevOps GitHub Advanced Security enabled for the repository; "unknown" on GitHub (the features above say it). */
  advancedSecurity: Tri;
}

export interface ActionUse {
  uses: string;
  kind: "action" | "reusable-workflow" | "docker" | "local";
  /** The owner part (organization or user), lower-cased; null for local actions and images. */
  owner: string | null;
  name: string;
  ref: string | null;
  /** Pinned to a full commit SHA (or an image digest). */
  pinned: boolean;
  job: string;
  step: number | null;
}

export interface UntrustedInterpolation { job: string; step: number; line: number | null; expression: string }

export interface UntrustedCheckoutRun {
  job: string; step: number; line: number | null; ref: string;
  /** The later step running code from the checkout, or null. */
  runStep: number | null; runLine: number | null; runKind: "run" | "local-action" | null;
}

/** A GitHub Actions workflow, as far as posture checks read it. */
export interface GitHubWorkflowSecurity {
  kind: "github-workflow";
  path: string;
  name: string;
  /** Why the file could not be read or parsed; every fact below is then empty and checks answer UNKNOWN. */
  parseError: string | null;
  triggers: string[];
  /** Top-level `permissions` as written; null when absent. */
  permissions: unknown;
  jobPermissions: { job: string; permissions: unknown }[];
  /** `write-all` at the top or in some job. */
  writeAll: boolean;
  /** Jobs whose token gets the organization default (no permissions block at the top or in the job). */
  jobsWithoutPermissions: string[];
  selfHostedRunners: boolean;
  selfHostedJobs: { job: string; runsOn: string[] }[];
  /** Every non-local action, reusable workflow and image used, pinned or not. */
  actions: ActionUse[];
  untrustedInterpolations: UntrustedInterpolation[];
  /** Checkouts of the pull request's head; "unknown" when the stored definition predates this fact. */
  untrustedCheckouts: UntrustedCheckoutRun[] | "unknown";
}

/** An Azure Pipelines build definition. */
export interface AdoPipelineSecurity {
  kind: "azure-pipeline";
  name: string;
  project: string;
  /** Pull requests from forks are built; whether those builds get the pipeline's secrets. */
  forkBuilds: { enabled: Tri; secretsAvailable: Tri };
}

export type PipelineSecurity = GitHubWorkflowSecurity | AdoPipelineSecurity;

export interface OrganizationSecurity {
  defaultWorkflowPermissions: "read" | "write" | "unknown";
  secretsVisibleToAllRepositories: Count;
  /** Names of those secrets (at most 100), never values. */
  secretNamesVisibleToAllRepositories: string[];
  /** none, read, write, admin; "unknown". */
  basePermission: string;
  twoFactorRequired: Tri;
  adminCount: Count;
  pushProtectionForNewRepositories: Tri;
}

/** Azure DevOps service connection (service endpoint). */
export interface ServiceConnection {
  name: string;
  project: string;
  /** azurerm, azure (the classic Azure subscription connection), github, kubernetes, … */
  type: string;
  authorizationScheme: string | null;
  openToAllPipelines: Tri;
  /** type "azure": the classic (certificate / credentials) subscription connection, not azurerm. */
  classicAzure: Tri;
}

export interface VariableGroup { name: string; project: string; hasSecrets: Tri; openToAllPipelines: Tri }
export interface SecureFile { name: string; project: string; openToAllPipelines: Tri }

/** A service connection's classic-Azure flag from its type (case-insensitive, as Azure DevOps compares it). */
export function isClassicAzure(type: string | null | undefined): Tri {
  return typeof type === "string" && type ? type.toLowerCase() === "azure" : "unknown";
}

/** A BranchProtection where nothing is known yet; `why` names what could not be read (null: the caller fills it in). */
export function unknownProtection(branch: string | null, why: string | null): BranchProtection {
  const u = "unknown" as const;
  return {
    branch, protected: u, sources: [], evaluateOnly: [], unreadable: why ? [why] : [], requirePullRequest: u, minApprovals: u, requireCodeOwnerReview: u,
    resetApprovalsOnPush: u, requireLastPushApproval: u, creatorVoteCounts: u, requireStatusChecks: u, requireBuildValidation: u, requiredChecks: [],
    blockForcePushes: u, blockDeletions: u, requireConversationResolution: u, enforcedForAdmins: u, bypassActors: [], broadBypass: u,
  };
}
