import type {
  ActionUse, BranchProtection, BypassActorInfo, CodeownersState, Count, GitHubWorkflowSecurity, OrganizationSecurity, RepositorySecurity, Tri,
} from "../../inventory/settings";
import { unknownProtection } from "../../inventory/settings";
import type { OrganizationTarget, PostureTarget, RepositoryTarget, WorkflowTarget } from "../../posture/targets";
import type { BypassActor, EffectiveProtection } from "./protection";
import type { OrgSettings } from "./org-settings";
import type { WorkflowFacts } from "./workflows";
import { codeownersSyntaxErrors } from "./codeowners-syntax";

/**
 * GitHub's stored shapes (repository.settings, organization.settings.github,
 * pipeline.definition) → the neutral settings posture checks read. The only
 * place that knows both. Stored JSON is read defensively: rows written by an
 * older sync lack newer keys, and a missing value is "unknown", never "off".
 * Pure.
 */
export interface GitHubRepositoryRow { fullName: string; visibility: string; archived: boolean; defaultBranch?: string | null; settings: Record<string, unknown> | null }
/** A pipeline row (entity: definitionPath; InventoryPipeline: path). */
export interface GitHubPipelineRow { name: string; path?: string | null; definitionPath?: string | null; triggers: string[]; definition: Record<string, unknown> | null }
/**
 * Facts the integrator knows from elsewhere (finding counts of the
 * repository by analysis category): alerts prove a feature is on; none
 * proves nothing.
 */
export interface GitHubSignals { codeScanningAlerts?: number | null; codeScanningAnalyses?: number | null; secretScanningAlerts?: number | null; dependabotAlerts?: number | null }

type Stored = Record<string, unknown>;
const U = "unknown" as const;
const tri = (v: unknown): Tri => (typeof v === "boolean" ? v : U);
const count = (v: unknown): Count => (typeof v === "number" && Number.isFinite(v) ? v : U);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const obj = (v: unknown): Stored | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Stored) : null);
const positive = (n: number | null | undefined) => typeof n === "number" && n > 0;

/** Who a ruleset lets bypass it. A repository role covers everyone holding it; unidentified actors are taken as broad. */
export function bypassActorInfo(b: BypassActor): BypassActorInfo {
  const mode = b.bypassMode ?? null;
  if (b.organizationAdmin) return { kind: "organization-admin", name: null, mode, broad: true };
  if (b.deployKey) return { kind: "deploy-key", name: null, mode, broad: true };
  if (b.repositoryRoleName) return { kind: "repository-role", name: b.repositoryRoleName.toLowerCase(), mode, broad: true };
  const [type, slug] = (b.actor ?? "").split(":");
  const kind = type === "Team" ? "team" : type === "App" ? "app" : type === "User" ? "user" : "other";
  return { kind, name: slug && slug !== "?" ? slug : null, mode, broad: kind === "other" };
}

/** settings.protection (EffectiveProtection as effectiveProtection() stored it) → BranchProtection. */
export function branchProtectionFromGitHub(stored: unknown, defaultBranch: string | null = null): BranchProtection {
  const p = obj(stored) as Partial<EffectiveProtection> | null;
  if (!p) return unknownProtection(defaultBranch, "the repository's details (not synced yet)");
  const flags = [p.protected, p.requirePullRequest, p.requireCodeOwnerReview, p.dismissStaleReviews, p.requireStatusChecks, p.blockForcePushes, p.blockDeletions, p.enforcedForAdmins].map(tri);
  // Rows stored before `unreadable` was recorded: an unknown flag still says something was not read.
  const unreadable = Array.isArray(p.unreadable) ? strings(p.unreadable) : flags.includes(U) ? ["part of the branch protection rules or rulesets"] : [];
  const seen = new Set<string>();
  const bypassActors = (Array.isArray(p.bypassActors) ? p.bypassActors : []).map(bypassActorInfo).filter((b) => {
    const key = JSON.stringify(b);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const bypassUnread = unreadable.some((u) => u === "rulesets" || u.startsWith("bypass list") || u.startsWith("part of")) || tri(p.enforcedForAdmins) === U;
  const requireStatusChecks = tri(p.requireStatusChecks);
  return {
    // null is stored for a repository without a default branch (empty); only a missing key falls back.
    branch: typeof p.branch === "string" || p.branch === null ? p.branch : defaultBranch,
    protected: tri(p.protected), sources: strings(p.sources), evaluateOnly: strings(p.evaluateOnly), unreadable,
    requirePullRequest: tri(p.requirePullRequest), minApprovals: count(p.requiredApprovingReviews), requireCodeOwnerReview: tri(p.requireCodeOwnerReview),
    resetApprovalsOnPush: tri(p.dismissStaleReviews), requireLastPushApproval: tri(p.requireLastPushApproval),
    // GitHub never counts a pull request author's own approval.
    creatorVoteCounts: false,
    requireStatusChecks, requireBuildValidation: requireStatusChecks, requiredChecks: strings(p.requiredStatusChecks),
    blockForcePushes: tri(p.blockForcePushes), blockDeletions: tri(p.blockDeletions), requireConversationResolution: tri(p.requireConversationResolution),
    enforcedForAdmins: tri(p.enforcedForAdmins), bypassActors,
    broadBypass: bypassActors.some((b) => b.broad) ? true : bypassUnread ? U : false,
  };
}

/** settings.codeowners: absent = not read; null = read, none of the three places has one; { path, text, truncated }. */
export function codeownersFromGitHub(stored: unknown, org?: string): CodeownersState {
  if (stored === undefined) return { present: U, path: null, errors: [] };
  const c = obj(stored);
  if (!c) return { present: false, path: null, errors: [] };
  const path = typeof c.path === "string" ? c.path : null;
  // GitHub's own error list, if a sync ever stores it (GET /repos/{o}/{r}/codeowners/errors), beats our reading.
  if (Array.isArray(c.errors)) {
    const errors = c.errors.map((e) => (typeof e === "string" ? e : `line ${String(obj(e)?.line ?? "?")}: ${String(obj(e)?.message ?? obj(e)?.kind ?? "error")}`));
    return { present: true, path, errors };
  }
  if (typeof c.text !== "string") return { present: true, path, errors: ["the file could not be read as text (binary?)"] };
  return { present: true, path, errors: codeownersSyntaxErrors(c.text, org), ...(c.truncated === true ? { partial: true } : {}) };
}

/**
 * Scanner enablement. The sync stores only vulnerabilityAlertsEnabled today;
 * securityAndAnalysis (REST security_and_analysis, admin-only) and the flat
 * secretScanning / pushProtection / codeScanning / dependabot keys (demo
 * data) are read when present. GitHub reports Dependabot alerts as enabled
 * reliably only to admins, so "false" counts only when the token administers.
 */
export function repositorySecurityFromGitHub(row: GitHubRepositoryRow, opts: { org?: string; viewerCanAdminister?: Tri; signals?: GitHubSignals } = {}): RepositorySecurity {
  const s = row.settings ?? {};
  const sa = obj(s.securityAndAnalysis);
  const status = (key: string): Tri => {
    const v = obj(sa?.[key])?.status;
    return v === "enabled" ? true : v === "disabled" ? false : U;
  };
  const first = (...vs: Tri[]): Tri => vs.find((v) => v !== U) ?? U;
  const sig = opts.signals ?? {};
  const alertsOn = (...ns: (number | null | undefined)[]): Tri => (ns.some(positive) ? true : U);
  const vuln = s.vulnerabilityAlertsEnabled;
  const dependabotSetting: Tri = vuln === true ? true : vuln === false && opts.viewerCanAdminister === true ? false : U;
  return {
    secretScanning: first(status("secret_scanning"), tri(s.secretScanning), alertsOn(sig.secretScanningAlerts)),
    pushProtection: first(status("secret_scanning_push_protection"), tri(s.pushProtection)),
    codeScanning: first(tri(s.codeScanning), alertsOn(sig.codeScanningAlerts, sig.codeScanningAnalyses)),
    dependabotAlerts: first(dependabotSetting, tri(s.dependabot), alertsOn(sig.dependabotAlerts)),
    codeowners: codeownersFromGitHub(s.codeowners, opts.org),
    visibility: (row.visibility || "UNKNOWN").toUpperCase(),
    archived: row.archived,
    advancedSecurity: status("advanced_security"),
  };
}

type Definition = Partial<WorkflowFacts["definition"]>;

/** pipeline.definition (WorkflowFacts.definition as parseWorkflow stored it) → GitHubWorkflowSecurity. */
export function workflowSecurityFromGitHub(row: GitHubPipelineRow): GitHubWorkflowSecurity {
  const d = (obj(row.definition) ?? {}) as Definition;
  const path = row.definitionPath ?? row.path ?? row.name;
  const parseError = row.definition ? (typeof d.parseError === "string" ? d.parseError : null) : "no definition stored";
  const jobs = Array.isArray(d.jobs) ? d.jobs : [];
  const top = d.permissions ?? null;
  const actions: ActionUse[] = (Array.isArray(d.actions) ? d.actions : []).filter((a) => a.kind !== "local").map((a) => ({
    uses: a.uses, kind: a.kind, owner: a.kind === "docker" ? null : a.name.split("/")[0].toLowerCase(), name: a.name, ref: a.ref, pinned: a.pinned, job: a.job, step: a.step,
  }));
  const checkouts = d.checkoutsOfUntrustedRef;
  return {
    kind: "github-workflow", path, name: row.name, parseError, triggers: row.triggers ?? [],
    permissions: top,
    jobPermissions: jobs.map((j) => ({ job: j.id, permissions: j.permissions ?? null })),
    writeAll: top === "write-all" || jobs.some((j) => j.permissions === "write-all"),
    jobsWithoutPermissions: top === null ? jobs.filter((j) => (j.permissions ?? null) === null).map((j) => j.id) : [],
    selfHostedRunners: jobs.some((j) => j.selfHosted),
    selfHostedJobs: jobs.filter((j) => j.selfHosted).map((j) => ({ job: j.id, runsOn: j.runsOn })),
    actions,
    untrustedInterpolations: (Array.isArray(d.runInterpolations) ? d.runInterpolations : []).filter((i) => i.untrusted)
      .map((i) => ({ job: i.job, step: i.step, line: i.line ?? null, expression: i.expression })),
    untrustedCheckouts: Array.isArray(checkouts)
      ? checkouts.map((c) => ({ job: c.job, step: c.step, line: c.line, ref: c.ref, runStep: c.runsAfter?.step ?? null, runLine: c.runsAfter?.line ?? null, runKind: c.runsAfter?.kind ?? null }))
      : U,
  };
}

/** organization.settings.github (a partial OrgSettings: settings never read are absent). */
export function organizationSecurityFromGitHub(stored: Partial<OrgSettings> | null | undefined): OrganizationSecurity {
  const o = stored ?? {};
  const secrets = obj(o.actionsSecrets);
  const admins = count(o.adminCount);
  return {
    defaultWorkflowPermissions: o.defaultWorkflowPermissions === "read" || o.defaultWorkflowPermissions === "write" ? o.defaultWorkflowPermissions : U,
    secretsVisibleToAllRepositories: secrets ? count(secrets.visibleToAllRepositories) : U,
    secretNamesVisibleToAllRepositories: secrets ? strings(secrets.names) : [],
    basePermission: typeof o.basePermission === "string" && o.basePermission ? o.basePermission : U,
    twoFactorRequired: tri(o.twoFactorRequired),
    // An organization always has an owner: none listed means the list was not visible.
    adminCount: admins === 0 ? U : admins,
    pushProtectionForNewRepositories: tri(o.pushProtectionForNewRepositories),
  };
}

export function gitHubOrganizationTarget(org: string, settings: Partial<OrgSettings> | null | undefined): OrganizationTarget {
  return { kind: "organization", platform: "GITHUB", org, name: org, repository: null, security: organizationSecurityFromGitHub(settings) };
}

export interface GitHubRepositoryInput { row: GitHubRepositoryRow; workflows?: GitHubPipelineRow[]; signals?: GitHubSignals }

export function gitHubRepositoryTarget(org: string, input: GitHubRepositoryInput, orgSettings?: Partial<OrgSettings> | null): RepositoryTarget {
  const { row } = input;
  const settings = row.settings ?? {};
  const security = repositorySecurityFromGitHub(row, { org, viewerCanAdminister: tri(orgSettings?.viewerCanAdminister), signals: input.signals });
  return {
    kind: "repository", platform: "GITHUB", org, name: row.fullName, repository: row.fullName, archived: row.archived, visibility: security.visibility,
    protection: branchProtectionFromGitHub(settings.protection, row.defaultBranch ?? null), security,
    ...(input.workflows ? { workflows: input.workflows.map(workflowSecurityFromGitHub) } : {}),
  };
}

export function gitHubWorkflowTargets(org: string, row: GitHubRepositoryRow, workflows: GitHubPipelineRow[], orgSettings?: Partial<OrgSettings> | null): WorkflowTarget[] {
  const orgDefault = organizationSecurityFromGitHub(orgSettings).defaultWorkflowPermissions;
  return workflows.map((w) => {
    const workflow = workflowSecurityFromGitHub(w);
    return {
      kind: "workflow", platform: "GITHUB", org, name: `${row.fullName}/${workflow.path}`, repository: row.fullName,
      repositoryArchived: row.archived, workflow, organizationDefaultPermissions: orgDefault,
    };
  });
}

/** Every target of one GitHub organization: the organization, its repositories and their workflows. */
export function gitHubTargets(input: { org: string; orgSettings?: Partial<OrgSettings> | null; repositories: GitHubRepositoryInput[] }): PostureTarget[] {
  const { org, orgSettings } = input;
  return [
    gitHubOrganizationTarget(org, orgSettings),
    ...input.repositories.flatMap((r) => [gitHubRepositoryTarget(org, r, orgSettings), ...gitHubWorkflowTargets(org, r.row, r.workflows ?? [], orgSettings)]),
  ];
}
