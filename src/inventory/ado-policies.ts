import { BranchProtection, Tri, unknownProtection } from "./settings";

/**
 * Azure DevOps branch policies (GET {project}/_apis/policy/configurations) →
 * the effective protection of a repository's default branch. A policy
 * protects the branch only when one of its scopes matches it: a policy on
 * refs/heads/release does not protect refs/heads/main. Pure.
 */
export const ADO_POLICY_TYPES = {
  minimumReviewers: "fa4e907d-c16b-4a4c-9dfa-4906e5d171dd",
  build: "0609b952-1397-4640-95ec-e00a01b2c241",
  status: "cbdc66da-9728-4af8-aada-9a5a32e4a226",
  comments: "c6a1889d-b943-4856-b76f-9e46bb6b0df2",
  requiredReviewers: "fd2167ab-b0be-447a-8ec8-39368250530e",
  mergeStrategy: "fa4e907d-c16b-4a4c-9dfa-4916e5d171ab",
} as const;

const TYPE_NAMES: Record<string, string> = {
  [ADO_POLICY_TYPES.minimumReviewers]: "Minimum number of reviewers", [ADO_POLICY_TYPES.build]: "Build",
  [ADO_POLICY_TYPES.status]: "Status", [ADO_POLICY_TYPES.comments]: "Comment requirements",
  [ADO_POLICY_TYPES.requiredReviewers]: "Required reviewers", [ADO_POLICY_TYPES.mergeStrategy]: "Require a merge strategy",
};

export interface AdoPolicyScope {
  /** e.g. refs/heads/main or a prefix such as refs/heads/release/; absent: every branch. */
  refName?: string | null;
  matchKind?: "Exact" | "Prefix" | "DefaultBranch" | string | null;
  /** null or absent: every repository of the project. */
  repositoryId?: string | null;
}

export interface AdoPolicy {
  id: number;
  /** policy type GUID (configuration.type.id). */
  typeId: string;
  isEnabled: boolean;
  isBlocking: boolean;
  isDeleted?: boolean;
  settings: {
    scope?: AdoPolicyScope[];
    minimumApproverCount?: number; creatorVoteCounts?: boolean; allowDownvotes?: boolean; resetOnSourcePush?: boolean;
    requireVoteOnLastIteration?: boolean; resetRejectionsOnSourcePush?: boolean; blockLastPusherVote?: boolean;
    buildDefinitionId?: number; displayName?: string | null; statusName?: string; statusGenre?: string;
    [key: string]: unknown;
  };
}

const branchRef = (b: string) => (b.startsWith("refs/") ? b : `refs/heads/${b}`);
const lower = (s: string) => s.toLowerCase();

/** Whether a scope covers the branch. Branch names and GUIDs compare case-insensitively, as Azure DevOps does. */
export function scopeMatches(scope: AdoPolicyScope, defaultBranch: string, repositoryId: string): boolean {
  if (scope.repositoryId && lower(scope.repositoryId) !== lower(repositoryId)) return false;
  const kind = lower(scope.matchKind ?? "exact");
  if (kind === "defaultbranch") return true;
  if (!scope.refName) return true;
  const ref = lower(branchRef(defaultBranch));
  const want = lower(scope.refName);
  return kind === "prefix" ? ref.startsWith(want) : ref === want;
}

function label(p: AdoPolicy): string {
  const extra = p.settings.displayName ? ` (${p.settings.displayName})` : "";
  return `policy:${p.id}:${TYPE_NAMES[lower(p.typeId)] ?? p.typeId}${extra}`;
}

/**
 * The protection of `defaultBranch` (short or full ref) in `repositoryId` from
 * the project's policies; `policies` null: they could not be read, everything
 * is unknown. Disabled and deleted policies protect nothing; optional
 * (non-blocking) ones are listed in evaluateOnly and enforce nothing.
 * Force-push and deletion rights are git permissions, not policies: unknown
 * here, as is who may bypass policies.
 */
export function effectiveAdoProtection(defaultBranch: string | null, repositoryId: string, policies: AdoPolicy[] | null): BranchProtection {
  const short = defaultBranch?.replace(/^refs\/heads\//, "") ?? null;
  if (policies === null) return unknownProtection(short, "branch policies");
  if (!defaultBranch) return unknownProtection(null, "default branch (the repository is empty)");
  const p = unknownProtection(short, null);
  const applying = policies.filter((x) => x.isEnabled && !x.isDeleted && (x.settings.scope ?? []).some((s) => scopeMatches(s, defaultBranch, repositoryId)));
  const blocking = applying.filter((x) => x.isBlocking);
  p.evaluateOnly = applying.filter((x) => !x.isBlocking).map(label);
  p.sources = blocking.map(label);
  const of = (type: string) => blocking.filter((x) => lower(x.typeId) === type);
  const reviewers = of(ADO_POLICY_TYPES.minimumReviewers);
  const builds = of(ADO_POLICY_TYPES.build);
  const statuses = of(ADO_POLICY_TYPES.status);
  // Any blocking policy means the branch only changes through pull requests.
  p.protected = blocking.length > 0;
  p.requirePullRequest = p.protected;
  p.minApprovals = Math.max(0, ...reviewers.map((r) => Number(r.settings.minimumApproverCount ?? 0)));
  // Every minimum-reviewers policy must be met: one that ignores the creator's vote is enough to need someone else.
  p.creatorVoteCounts = reviewers.length > 0 && reviewers.every((r) => r.settings.creatorVoteCounts === true);
  p.resetApprovalsOnPush = reviewers.some((r) => r.settings.resetOnSourcePush === true);
  p.requireLastPushApproval = reviewers.some((r) => r.settings.requireVoteOnLastIteration === true || r.settings.blockLastPusherVote === true);
  p.requireCodeOwnerReview = of(ADO_POLICY_TYPES.requiredReviewers).length > 0;
  p.requireBuildValidation = builds.length > 0;
  p.requireStatusChecks = builds.length + statuses.length > 0;
  p.requiredChecks = [
    ...builds.map((b) => `build:${b.settings.displayName ?? b.settings.buildDefinitionId ?? "?"}`),
    ...statuses.map((s) => `status:${[s.settings.statusGenre, s.settings.statusName].filter(Boolean).join("/")}`),
  ];
  p.requireConversationResolution = of(ADO_POLICY_TYPES.comments).length > 0;
  const unknown: Tri = "unknown";
  p.blockForcePushes = unknown; p.blockDeletions = unknown; p.enforcedForAdmins = unknown; p.broadBypass = unknown;
  return p;
}
