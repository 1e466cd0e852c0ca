/**
 * The effective protection of a repository's default branch, from classic
 * branch protection rules AND rulesets (repository and organization): the
 * summary posture checks read from repository.settings.protection. Branch
 * checks that read only classic protection give false results
 * (ossf/scorecard#3326), so both are merged here, most restrictive wins.
 * Pure.
 */
export interface BranchProtectionRuleRaw {
  pattern: string; isAdminEnforced: boolean; allowsForcePushes: boolean; allowsDeletions: boolean;
  requiresApprovingReviews: boolean; requiredApprovingReviewCount: number | null; requiresCodeOwnerReviews: boolean;
  dismissesStaleReviews: boolean; requireLastPushApproval: boolean; requiresStatusChecks: boolean;
  requiresStrictStatusChecks: boolean; requiredStatusCheckContexts: (string | null)[] | null;
  requiresCommitSignatures: boolean; requiresLinearHistory: boolean; requiresConversationResolution: boolean;
  restrictsPushes: boolean; lockBranch: boolean;
}

export interface RulesetRule { type: string; parameters: Record<string, unknown> | null }
export interface BypassActor { bypassMode: string | null; organizationAdmin: boolean; deployKey: boolean; repositoryRoleName: string | null; actor: string | null }
export interface RulesetRaw {
  id: string; databaseId: number | null; name: string; enforcement: "ACTIVE" | "EVALUATE" | "DISABLED" | string;
  target: string | null; source: string; include: string[]; exclude: string[];
  /** null: the rules or bypass list could not be read. */
  rules: RulesetRule[] | null; bypassActors: BypassActor[] | null;
}

/** `unknown` where the data could not be read (never reported as "off"). */
export type Tri = boolean | "unknown";

export interface EffectiveProtection {
  branch: string | null;
  /** Any active classic rule or ruleset applies to the default branch. */
  protected: Tri;
  sources: string[];
  requirePullRequest: Tri;
  requiredApprovingReviews: number | "unknown";
  requireCodeOwnerReview: Tri;
  dismissStaleReviews: Tri;
  requireLastPushApproval: Tri;
  requireConversationResolution: Tri;
  requireStatusChecks: Tri;
  requiredStatusChecks: string[];
  blockForcePushes: Tri;
  blockDeletions: Tri;
  requireSignedCommits: Tri;
  requireLinearHistory: Tri;
  /** Nobody may bypass: classic rules enforced on admins, rulesets without bypass actors. */
  enforcedForAdmins: Tri;
  bypassActors: BypassActor[];
  /** Rulesets in evaluate mode that would apply (reported, not enforced). */
  evaluateOnly: string[];
  /**
   * What could not be read ("branch protection rules", "rulesets", "rules of
   * ruleset org:acme:x", "bypass list of ruleset …"): while it is not empty,
   * a count or list may be short of the truth. Absent on rows stored before it
   * was recorded.
   */
  unreadable?: string[];
}

/** fnmatch as GitHub uses it for branch patterns: `*` stops at `/`, `**` does not. */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      if (pattern[i + 1] === "*") { re += ".*"; i++; } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) { re += "\\["; continue; }
      re += "[" + pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]";
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The one classic rule GitHub applies: an exact name beats patterns; among patterns, the most literal one. */
export function matchingBranchRule(rules: BranchProtectionRuleRaw[], branch: string): BranchProtectionRuleRaw | null {
  const exact = rules.find((r) => r.pattern === branch);
  if (exact) return exact;
  const hits = rules.filter((r) => globToRegExp(r.pattern).test(branch));
  hits.sort((a, b) => b.pattern.replace(/[*?[\]]/g, "").length - a.pattern.replace(/[*?[\]]/g, "").length);
  return hits[0] ?? null;
}

function refMatches(spec: string, branch: string): boolean {
  if (spec === "~ALL") return true;
  if (spec === "~DEFAULT_BRANCH") return true;
  const name = spec.startsWith("refs/heads/") ? spec.slice("refs/heads/".length) : spec;
  return globToRegExp(name).test(branch);
}

export function rulesetApplies(rs: RulesetRaw, branch: string): boolean {
  if (rs.target && rs.target !== "BRANCH") return false;
  if (!rs.include.some((s) => refMatches(s, branch))) return false;
  return !rs.exclude.some((s) => s !== "~ALL" && refMatches(s, branch)) && !rs.exclude.includes("~ALL");
}

export function effectiveProtection(branch: string | null, classic: BranchProtectionRuleRaw[] | null, rulesets: RulesetRaw[] | null): EffectiveProtection {
  // What could not be read, in the order met (see EffectiveProtection.unreadable).
  const unreadable: string[] = [];
  if (classic === null) unreadable.push("branch protection rules");
  if (rulesets === null) unreadable.push("rulesets");
  const p: EffectiveProtection = {
    branch, protected: false, sources: [], requirePullRequest: false, requiredApprovingReviews: 0, requireCodeOwnerReview: false,
    dismissStaleReviews: false, requireLastPushApproval: false, requireConversationResolution: false, requireStatusChecks: false,
    requiredStatusChecks: [], blockForcePushes: false, blockDeletions: false, requireSignedCommits: false, requireLinearHistory: false,
    enforcedForAdmins: false, bypassActors: [], evaluateOnly: [], unreadable,
  };
  if (!branch) return p;
  const checks = new Set<string>();
  let anyBypassable = false;
  let enforcedSomewhere = false;
  let bypassUnread = false;
  let bypassKnown = false;
  const rule = classic ? matchingBranchRule(classic, branch) : null;
  if (rule) {
    p.sources.push(`branch-protection:${rule.pattern}`);
    p.protected = true;
    if (rule.requiresApprovingReviews) {
      p.requirePullRequest = true;
      p.requiredApprovingReviews = Math.max(p.requiredApprovingReviews as number, rule.requiredApprovingReviewCount ?? 0);
    }
    p.requireCodeOwnerReview ||= rule.requiresCodeOwnerReviews;
    p.dismissStaleReviews ||= rule.dismissesStaleReviews;
    p.requireLastPushApproval ||= rule.requireLastPushApproval;
    p.requireConversationResolution ||= rule.requiresConversationResolution;
    if (rule.requiresStatusChecks) { p.requireStatusChecks = true; (rule.requiredStatusCheckContexts ?? []).forEach((c) => c && checks.add(c)); }
    p.blockForcePushes ||= !rule.allowsForcePushes;
    p.blockDeletions ||= !rule.allowsDeletions;
    p.requireSignedCommits ||= rule.requiresCommitSignatures;
    p.requireLinearHistory ||= rule.requiresLinearHistory;
    if (rule.isAdminEnforced) enforcedSomewhere = true; else { anyBypassable = true; bypassKnown = true; }
  }
  for (const rs of rulesets ?? []) {
    if (rs.enforcement === "DISABLED" || !rulesetApplies(rs, branch)) continue;
    if (rs.enforcement !== "ACTIVE") { p.evaluateOnly.push(`${rs.source}:${rs.name}`); continue; }
    p.sources.push(`ruleset:${rs.source}:${rs.name}`);
    p.protected = true;
    if (rs.bypassActors === null) { anyBypassable = true; bypassUnread = true; unreadable.push(`bypass list of ruleset ${rs.source}:${rs.name}`); } // not claimed as enforced
    else if (rs.bypassActors.length) { anyBypassable = true; bypassKnown = true; p.bypassActors.push(...rs.bypassActors); }
    else enforcedSomewhere = true;
    if (rs.rules === null) { unreadable.push(`rules of ruleset ${rs.source}:${rs.name}`); continue; }
    for (const r of rs.rules) {
      const params = r.parameters ?? {};
      switch (r.type) {
        case "PULL_REQUEST":
          p.requirePullRequest = true;
          p.requiredApprovingReviews = Math.max(p.requiredApprovingReviews as number, Number(params.requiredApprovingReviewCount ?? 0));
          p.requireCodeOwnerReview ||= !!params.requireCodeOwnerReview;
          p.dismissStaleReviews ||= !!params.dismissStaleReviewsOnPush;
          p.requireLastPushApproval ||= !!params.requireLastPushApproval;
          p.requireConversationResolution ||= !!params.requiredReviewThreadResolution;
          break;
        case "REQUIRED_STATUS_CHECKS":
          p.requireStatusChecks = true;
          for (const c of (params.requiredStatusChecks as { context: string }[] | undefined) ?? []) checks.add(c.context);
          break;
        case "NON_FAST_FORWARD": p.blockForcePushes = true; break;
        case "DELETION": p.blockDeletions = true; break;
        case "REQUIRED_SIGNATURES": p.requireSignedCommits = true; break;
        case "REQUIRED_LINEAR_HISTORY": p.requireLinearHistory = true; break;
      }
    }
  }
  p.requiredStatusChecks = [...checks].sort();
  p.enforcedForAdmins = p.protected === true && enforcedSomewhere && !anyBypassable;
  // Only an unreadable bypass list stands between this and "enforced": that is not knowing, not a bypass.
  if (p.protected === true && bypassUnread && !bypassKnown) p.enforcedForAdmins = "unknown";
  // What could not be read stays unknown rather than looking unprotected.
  if (classic === null || rulesets === null || (rulesets ?? []).some((r) => r.rules === null && r.enforcement === "ACTIVE")) {
    for (const k of ["protected", "requirePullRequest", "requireCodeOwnerReview", "dismissStaleReviews", "requireLastPushApproval",
      "requireConversationResolution", "requireStatusChecks", "blockForcePushes", "blockDeletions", "requireSignedCommits", "requireLinearHistory", "enforcedForAdmins"] as const) {
      if (p[k] === false) p[k] = "unknown";
    }
    if (p.requiredApprovingReviews === 0) p.requiredApprovingReviews = "unknown";
  }
  return p;
}
