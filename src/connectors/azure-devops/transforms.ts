import { FindingCategory, FindingState, Severity } from "../../common/types";
import type { FindingInput } from "../../findings/finding-store.types";
import { isProductionName, type InventoryDeployment, type InventoryEnvironment, type InventoryPipeline, type InventoryRepository } from "../core";

/**
 * transform: Azure DevOps REST shapes (7.2) → the neutral inventory rows, the
 * effective protection of the default branch, and findings. Pure.
 */

export const POLICY_TYPES = {
  minimumReviewers: "fa4e907d-c16b-4a4c-9dfa-4906e5d171dd",
  build: "0609b952-1397-4640-95ec-e00a01b2c241",
  status: "cbdc66da-9728-4af8-aada-9a5a32e4a226",
  comments: "c6a1889d-b943-4856-b76f-9e46bb6b0df2",
  requiredReviewers: "fd2167ab-b0be-447a-8ec8-39368250530e",
  mergeStrategy: "fa4e907d-c16b-4a4c-9dfa-4916e5d171ab",
} as const;
const POLICY_NAMES: Record<string, string> = Object.fromEntries(Object.entries(POLICY_TYPES).map(([k, v]) => [v, k]));

export interface ProjectRaw { id: string; name: string; url?: string; visibility?: string; state?: string; lastUpdateTime?: string }
export interface RepositoryRaw {
  id: string; name: string; defaultBranch?: string | null; isDisabled?: boolean; isFork?: boolean; isInMaintenance?: boolean;
  size?: number; webUrl?: string; remoteUrl?: string; project?: { id: string; name: string; visibility?: string };
}
export interface PolicyScope { refName?: string | null; matchKind?: string | null; repositoryId?: string | null }
export interface PolicyRaw {
  id: number; type: { id: string; displayName?: string }; isEnabled: boolean; isBlocking: boolean; isDeleted?: boolean; revision?: number;
  settings: { scope?: PolicyScope[]; [k: string]: unknown };
}

export const stripHeads = (ref: string | null | undefined): string | null => (ref ? ref.replace(/^refs\/heads\//, "") : null);

export function transformRepository(org: string, project: ProjectRaw, r: RepositoryRaw, projectId: string): InventoryRepository {
  return {
    externalId: r.id, name: r.name, fullName: `${org}/${project.name}/${r.name}`, url: r.webUrl ?? r.remoteUrl ?? "",
    visibility: (project.visibility ?? r.project?.visibility ?? "private").toUpperCase(), defaultBranch: stripHeads(r.defaultBranch),
    archived: !!r.isDisabled, fork: !!r.isFork, pushedAt: null, projectId,
    settings: { azureDevOps: { id: r.id, project: project.name, disabled: !!r.isDisabled, isInMaintenance: !!r.isInMaintenance, size: r.size ?? null, webUrl: r.webUrl ?? null } },
  };
}

/** A repository row with its branch policies: the raw ones that concern it and the effective protection of its default branch. */
export function withPolicies(row: InventoryRepository, r: RepositoryRaw, policies: PolicyRaw[]): InventoryRepository {
  const ado = row.settings.azureDevOps as Record<string, unknown>;
  ado.policies = policies.filter((p) => policyConcerns(p, r.id)).map(trimPolicy);
  row.settings.protection = effectiveProtection(r.id, r.defaultBranch ?? null, policies);
  return row;
}

/** Whether one scope entry covers `branch` (a full ref) of repository `repoId` whose default branch is `defaultRef`. */
export function scopeMatches(s: PolicyScope, repoId: string, branchRef: string, defaultRef: string | null): boolean {
  if (s.repositoryId && s.repositoryId.toLowerCase() !== repoId.toLowerCase()) return false;
  const kind = (s.matchKind ?? "").toLowerCase();
  if (kind === "defaultbranch") return !!defaultRef && branchRef === defaultRef;
  if (!s.refName) return true; // repository (or project) wide
  if (kind === "prefix") return branchRef.startsWith(s.refName);
  return branchRef === s.refName; // Exact (the default)
}

/** Whether a policy applies to `branchRef` of the repository (no scope list: the whole project). */
export function policyApplies(p: PolicyRaw, repoId: string, branchRef: string, defaultRef: string | null): boolean {
  if (!p.isEnabled || p.isDeleted) return false;
  const scopes = p.settings?.scope;
  if (!scopes || !scopes.length) return true;
  return scopes.some((s) => scopeMatches(s, repoId, branchRef, defaultRef));
}

/** Whether any scope entry of the policy is about this repository at all (for the trimmed per-repository list). */
export function policyConcerns(p: PolicyRaw, repoId: string): boolean {
  const scopes = p.settings?.scope;
  return !scopes || !scopes.length || scopes.some((s) => !s.repositoryId || s.repositoryId.toLowerCase() === repoId.toLowerCase());
}

/** The raw policy, trimmed to what posture needs (no identities beyond ids). */
export function trimPolicy(p: PolicyRaw): Record<string, unknown> {
  const { scope, ...settings } = p.settings ?? {};
  return { id: p.id, type: POLICY_NAMES[p.type.id.toLowerCase()] ?? p.type.displayName ?? p.type.id, typeId: p.type.id, isEnabled: p.isEnabled, isBlocking: p.isBlocking, revision: p.revision ?? null, scope: scope ?? [], settings };
}

type Tri = boolean | "unknown";
export interface AdoEffectiveProtection {
  branch: string | null; protected: Tri; sources: string[]; requirePullRequest: Tri; requiredApprovingReviews: number | "unknown";
  requireCodeOwnerReview: Tri; dismissStaleReviews: Tri; requireLastPushApproval: Tri; requireConversationResolution: Tri;
  requireStatusChecks: Tri; requiredStatusChecks: string[]; blockForcePushes: Tri; blockDeletions: Tri; requireSignedCommits: Tri;
  requireLinearHistory: Tri; enforcedForAdmins: Tri; bypassActors: unknown[]; evaluateOnly: string[];
  /** Azure DevOps: whether the pull request creator's approval counts (null: no minimum-reviewers policy). */
  creatorVoteCounts: Tri | null;
  /** Azure DevOps: votes reset when the source branch is pushed. */
  resetOnSourcePush: Tri;
  requiredReviewers: string[];
  buildValidation: string[];
}

/**
 * The effective protection of the default branch, in the key names GitHub's
 * EffectiveProtection uses: blocking, enabled policies whose scope matches the
 * branch (Exact refName, Prefix, DefaultBranch; repositoryId null = every
 * repository of the project). `policies` null = unreadable: every flag is
 * "unknown", never false. What branch policies cannot express (force push and
 * deletion are Git permissions, bypass is a permission) is "unknown" too.
 */
export function effectiveProtection(repoId: string, defaultRef: string | null, policies: PolicyRaw[] | null): AdoEffectiveProtection {
  const p: AdoEffectiveProtection = {
    branch: stripHeads(defaultRef), protected: false, sources: [], requirePullRequest: false, requiredApprovingReviews: 0,
    requireCodeOwnerReview: false, dismissStaleReviews: false, requireLastPushApproval: false, requireConversationResolution: false,
    requireStatusChecks: false, requiredStatusChecks: [], blockForcePushes: "unknown", blockDeletions: "unknown", requireSignedCommits: false,
    requireLinearHistory: false, enforcedForAdmins: "unknown", bypassActors: [], evaluateOnly: [],
    creatorVoteCounts: null, resetOnSourcePush: false, requiredReviewers: [], buildValidation: [],
  };
  if (policies === null) {
    for (const k of ["protected", "requirePullRequest", "requireCodeOwnerReview", "dismissStaleReviews", "requireLastPushApproval", "requireConversationResolution",
      "requireStatusChecks", "requireSignedCommits", "requireLinearHistory", "resetOnSourcePush"] as const) p[k] = "unknown";
    p.requiredApprovingReviews = "unknown"; p.creatorVoteCounts = "unknown";
    return p;
  }
  if (!defaultRef) return p;
  const checks = new Set<string>();
  let creator: boolean | null = null;
  for (const pol of policies) {
    if (!policyApplies(pol, repoId, defaultRef, defaultRef)) continue;
    const type = pol.type.id.toLowerCase();
    const name = POLICY_NAMES[type] ?? pol.type.displayName ?? type;
    const s = pol.settings ?? {};
    if (!pol.isBlocking) { p.evaluateOnly.push(`policy:${pol.id}:${name}`); continue; }
    p.sources.push(`policy:${pol.id}:${name}`);
    p.protected = true;
    // Any blocking branch policy makes the branch accept changes through pull requests only.
    p.requirePullRequest = true;
    switch (type) {
      case POLICY_TYPES.minimumReviewers: {
        const n = Number(s.minimumApproverCount ?? 0);
        p.requiredApprovingReviews = Math.max(p.requiredApprovingReviews as number, n);
        creator = creator === null ? !!s.creatorVoteCounts : creator && !!s.creatorVoteCounts;
        if (s.resetOnSourcePush || s.resetRejectionsOnSourcePush) { p.dismissStaleReviews = true; p.resetOnSourcePush = true; }
        if (s.blockLastPusherVote) p.requireLastPushApproval = true;
        if (s.requireVoteOnLastIteration) p.requireLastPushApproval = true;
        break;
      }
      case POLICY_TYPES.requiredReviewers:
        p.requireCodeOwnerReview = true;
        for (const id of (s.requiredReviewerIds as string[] | undefined) ?? []) p.requiredReviewers.push(id);
        break;
      case POLICY_TYPES.build:
        p.requireStatusChecks = true;
        checks.add(`build:${String(s.displayName ?? s.buildDefinitionId ?? "?")}`);
        p.buildValidation.push(String(s.displayName ?? s.buildDefinitionId ?? "?"));
        break;
      case POLICY_TYPES.status:
        p.requireStatusChecks = true;
        checks.add(`status:${[s.statusGenre, s.statusName].filter(Boolean).join("/")}`);
        break;
      case POLICY_TYPES.comments:
        p.requireConversationResolution = true;
        break;
      case POLICY_TYPES.mergeStrategy:
        // Linear history when no merge commit is allowed (squash or rebase only).
        if (s.allowNoFastForward === false || (s.allowSquash || s.allowRebase || s.allowRebaseMerge) && !s.allowNoFastForward) p.requireLinearHistory = true;
        break;
    }
  }
  p.creatorVoteCounts = creator;
  p.requiredStatusChecks = [...checks].sort();
  p.requiredReviewers = [...new Set(p.requiredReviewers)].sort();
  return p;
}

/* ---------- pipelines ---------- */

export interface BuildDefinitionRaw {
  id: number; name: string; path?: string; revision?: number; queueStatus?: string; url?: string; _links?: { web?: { href?: string } };
  repository?: { id?: string; type?: string; name?: string; defaultBranch?: string };
  process?: { type?: number; yamlFilename?: string };
  triggers?: { triggerType: string; forks?: { enabled?: boolean; allowSecrets?: boolean; allowFullAccessToken?: boolean }; branchFilters?: string[]; settingsSourceType?: number }[];
}

export function transformBuildDefinition(projectId: string, d: BuildDefinitionRaw, repoIds: Map<string, string>): InventoryPipeline {
  const pr = (d.triggers ?? []).find((t) => t.triggerType === "pullRequest");
  const repoId = d.repository?.type === "TfsGit" && d.repository.id ? repoIds.get(d.repository.id) ?? null : null;
  return {
    repoId, projectId, externalId: `ado-build:${projectId}:${d.id}`, name: d.name, path: d.process?.yamlFilename ?? null,
    triggers: [...new Set((d.triggers ?? []).map((t) => t.triggerType))].sort(),
    definition: {
      definitionId: d.id, folder: d.path ?? null, revision: d.revision ?? null, yaml: d.process?.type === 2, queueStatus: d.queueStatus ?? null,
      repository: d.repository ? { id: d.repository.id ?? null, type: d.repository.type ?? null, name: d.repository.name ?? null } : null,
      // Fork builds: whether pull requests from forks build, and whether they get secrets (ado.pipeline.fork-secrets).
      forks: pr ? { enabled: !!pr.forks?.enabled, allowSecrets: !!pr.forks?.allowSecrets, allowFullAccessToken: !!pr.forks?.allowFullAccessToken } : null,
    },
    url: d._links?.web?.href ?? d.url ?? null,
  };
}

export interface ReleaseDefinitionRaw {
  id: number; name: string; path?: string; revision?: number; url?: string; _links?: { web?: { href?: string } };
  environments?: { id: number; name: string }[]; artifacts?: { type?: string; alias?: string; definitionReference?: Record<string, { id?: string; name?: string }> }[];
  triggers?: { triggerType?: string | number }[];
}

export function transformReleaseDefinition(projectId: string, d: ReleaseDefinitionRaw): InventoryPipeline {
  return {
    repoId: null, projectId, externalId: `ado-release:${projectId}:${d.id}`, name: d.name, path: null,
    triggers: [...new Set((d.triggers ?? []).map((t) => String(t.triggerType)))].sort(),
    definition: {
      definitionId: d.id, folder: d.path ?? null, revision: d.revision ?? null, classic: true,
      environments: (d.environments ?? []).map((e) => e.name), artifacts: (d.artifacts ?? []).map((a) => ({ type: a.type ?? null, alias: a.alias ?? null })),
    },
    url: d._links?.web?.href ?? d.url ?? null,
  };
}

/* ---------- environments and deployments ---------- */

export interface EnvironmentRaw { id: number; name: string; description?: string }
export interface DeploymentRecordRaw {
  id: number; environmentId?: number; planType?: string; stageName?: string; jobName?: string; result?: string;
  queueTime?: string; startTime?: string; finishTime?: string; definition?: { id: number; name?: string }; owner?: { id: number; name?: string };
}
export interface BuildRaw { id: number; sourceVersion?: string; sourceBranch?: string; repository?: { id?: string; type?: string } }

export const envExternalId = (projectId: string, envId: number) => `ado-env:${projectId}:${envId}`;

export function transformEnvironment(projectId: string, e: EnvironmentRaw): InventoryEnvironment {
  return { externalId: envExternalId(projectId, e.id), name: e.name, production: isProductionName(e.name), protectionRules: null };
}

export function transformDeployment(projectId: string, envId: number, r: DeploymentRecordRaw, builds: Map<number, BuildRaw>, repoIds: Map<string, string>): InventoryDeployment & { repoId: string | null } {
  const run = r.owner?.id != null ? builds.get(r.owner.id) : undefined;
  const repo = run?.repository?.type === "TfsGit" && run.repository.id ? repoIds.get(run.repository.id) ?? null : null;
  return {
    externalId: `ado-deployment:${projectId}:${r.id}`, environmentExternalId: envExternalId(projectId, envId), commitSha: run?.sourceVersion ?? null,
    ref: run?.sourceBranch ?? null, state: (r.result ?? "inProgress").toUpperCase(), deployedAt: new Date(r.finishTime ?? r.startTime ?? r.queueTime ?? 0), repoId: repo,
  };
}

/* ---------- project resources (never a secret value) ---------- */

export interface ServiceEndpointRaw { id: string; name: string; type: string; url?: string; isShared?: boolean; isReady?: boolean; owner?: string; authorization?: { scheme?: string }; data?: Record<string, unknown> }
export interface VariableGroupRaw { id: number; name: string; type?: string; variables?: Record<string, { isSecret?: boolean; value?: string | null }> }
export interface SecureFileRaw { id: string; name: string }
export type Open = boolean | "unknown";

export function serviceConnection(e: ServiceEndpointRaw, open: Open) {
  return { id: e.id, name: e.name, type: e.type, authorizationScheme: e.authorization?.scheme ?? null, isShared: !!e.isShared, isReady: e.isReady ?? null, owner: e.owner ?? null, url: e.url ?? null, openToAllPipelines: open };
}

export function variableGroup(g: VariableGroupRaw, open: Open) {
  const vars = Object.entries(g.variables ?? {});
  return { id: g.id, name: g.name, type: g.type ?? null, variableCount: vars.length, hasSecrets: vars.some(([, v]) => !!v?.isSecret), secretVariableNames: vars.filter(([, v]) => !!v?.isSecret).map(([k]) => k).sort(), openToAllPipelines: open };
}

export function secureFile(f: SecureFileRaw, open: Open) {
  return { id: f.id, name: f.name, openToAllPipelines: open };
}

/* ---------- Advanced Security alerts ---------- */

export const ADVSEC_CATEGORY = "azure-devops:advanced-security";

export interface AlertRaw {
  alertId: number; alertType: string; state: string; severity?: string; title?: string; confidence?: string;
  firstSeenDate?: string; lastSeenDate?: string; fixedDate?: string | null; introducedDate?: string; gitRef?: string; repositoryUrl?: string;
  dismissal?: { dismissalId?: number; dismissalType?: string; message?: string; stateChangedBy?: unknown; stateChangedDate?: string } | null;
  tools?: { name?: string; toolVersion?: string; rules?: { opaqueId?: string; friendlyName?: string; description?: string; helpMessage?: string; tags?: string[] }[] }[];
  physicalLocations?: { filePath?: string; region?: { lineStart?: number; lineEnd?: number; columnStart?: number; columnEnd?: number }; versionControl?: { commitHash?: string } }[];
  logicalLocations?: { fullyQualifiedName?: string; kind?: string }[];
  truncatedSecret?: string; validityDetails?: { validityStatus?: string } | null;
}

const CATEGORY: Record<string, FindingCategory> = { dependency: FindingCategory.DEPENDENCY, secret: FindingCategory.SECRET, code: FindingCategory.CODE };
const SEVERITY: Record<string, Severity> = {
  critical: Severity.CRITICAL, high: Severity.HIGH, medium: Severity.MEDIUM, low: Severity.LOW,
  error: Severity.HIGH, warning: Severity.MEDIUM, note: Severity.LOW,
};

/** transform: one Advanced Security alert → a finding whose state follows the source (active, dismissed, fixed, autoDismissed). Drops truncatedSecret. */
export function alertFinding(a: AlertRaw): FindingInput {
  const tool = a.tools?.[0];
  const rule = tool?.rules?.[0];
  const loc = a.physicalLocations?.[0];
  const state = (a.state ?? "").toLowerCase();
  const at = (s: string | null | undefined) => (s ? new Date(s) : null);
  const sourceState =
    state === "fixed" ? { state: FindingState.FIXED, at: at(a.fixedDate) }
    : state === "dismissed" ? { state: FindingState.DISMISSED, dismissReason: a.dismissal?.dismissalType ?? "dismissed", dismissComment: a.dismissal?.message ?? null, at: at(a.dismissal?.stateChangedDate) }
    : state === "autodismissed" ? { state: FindingState.DISMISSED, dismissReason: "auto_dismissed", dismissComment: null, at: at(a.dismissal?.stateChangedDate) }
    : { state: FindingState.OPEN };
  const type = (a.alertType ?? "").toLowerCase();
  const ruleId = rule?.opaqueId ?? `ado-${type}-${a.alertId}`;
  const pkg = type === "dependency" ? parsePackage(a.logicalLocations?.[0]?.fullyQualifiedName) : null;
  const vuln = /^(CVE-\d{4}-\d+|GHSA(-[a-z0-9]{4}){3})$/i.test(ruleId) ? ruleId.toUpperCase() : null;
  return {
    fingerprint: `ado-alert:${a.alertId}`, category: CATEGORY[type] ?? FindingCategory.CODE,
    severity: SEVERITY[(a.severity ?? "").toLowerCase()] ?? Severity.MEDIUM,
    title: a.title || rule?.friendlyName || ruleId, message: rule?.description ?? null,
    ruleId, tool: tool?.name ?? "AdvancedSecurity", toolVersion: tool?.toolVersion ?? null,
    path: loc?.filePath ?? null, startLine: loc?.region?.lineStart ?? null, endLine: loc?.region?.lineEnd ?? null,
    startColumn: loc?.region?.columnStart ?? null, endColumn: loc?.region?.columnEnd ?? null, snippet: null,
    vulnerabilityId: vuln, cwes: [...new Set((rule?.tags ?? []).map((t) => /cwe-0*(\d+)$/i.exec(t)?.[1]).filter((x): x is string => !!x).map((n) => `CWE-${n}`))],
    cvssScore: null, cvssVector: null, packageName: pkg?.name ?? null, packageVersion: pkg?.version ?? null, fixedVersion: null,
    details: {
      alertId: a.alertId, alertType: type, adoState: a.state, confidence: a.confidence ?? null, gitRef: a.gitRef ?? null,
      firstSeenDate: a.firstSeenDate ?? null, lastSeenDate: a.lastSeenDate ?? null, fixedDate: a.fixedDate ?? null, introducedDate: a.introducedDate ?? null,
      commitSha: loc?.versionControl?.commitHash ?? null, ruleName: rule?.friendlyName ?? null,
      ...(type === "secret" ? { secretValidity: a.validityDetails?.validityStatus ?? null } : {}),
    },
    sourceState,
  };
}

/** "npm/lodash@4.17.20" or "lodash 4.17.20" → name and version. */
function parsePackage(fqn: string | undefined): { name: string; version: string | null } | null {
  if (!fqn) return null;
  const m = /^(?:[a-z]+\/)?(.+?)(?:[@ ]([^@ ]+))?$/i.exec(fqn.trim());
  return m ? { name: m[1], version: m[2] ?? null } : null;
}
