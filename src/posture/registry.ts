import type { Platform } from "../inventory/settings";
import type { CheckContext, CheckParameters, CheckStatus, Evidence, ParameterValue, PostureCheckDefinition, Severity } from "./check.types";
import type { PostureTarget, TargetKind } from "./targets";
import { githubRepositoryChecks } from "./github-repository.checks";
import { githubWorkflowChecks } from "./github-workflow.checks";
import { githubOrganizationChecks } from "./github-organization.checks";
import { azureDevOpsChecks } from "./azure-devops.checks";

/**
 * The built-in posture checks and their evaluation. Adding a check means
 * adding it to its family's array; families are listed here once.
 */
export const BUILT_IN_CHECKS: readonly PostureCheckDefinition[] = [
  ...githubRepositoryChecks, ...githubWorkflowChecks, ...githubOrganizationChecks, ...azureDevOpsChecks,
];

const byId = new Map<string, PostureCheckDefinition>();
for (const c of BUILT_IN_CHECKS) {
  if (byId.has(c.checkId)) throw new Error(`duplicate posture checkId ${c.checkId}`);
  byId.set(c.checkId, c);
}

export const getCheck = (checkId: string): PostureCheckDefinition | undefined => byId.get(checkId);

export function checksFor(platform: Platform, kind: TargetKind, checks: readonly PostureCheckDefinition[] = BUILT_IN_CHECKS): PostureCheckDefinition[] {
  return checks.filter((c) => c.platform === platform && c.targetKind === kind);
}

export const SEVERITIES: readonly Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"];

/** A user's change to one check: any field left out keeps the value from the level below. */
export interface CheckOverride { enabled?: boolean; severity?: Severity; parameters?: Record<string, unknown> }

/**
 * Estate-wide overrides, then per organization (keyed like targets' `org`):
 * built-in defaults ← estate ← organization, field by field, parameters key by key.
 */
export interface PostureConfig {
  estate?: Record<string, CheckOverride>;
  organizations?: Record<string, Record<string, CheckOverride>>;
}

export interface ResolvedCheck { enabled: boolean; severity: Severity; parameters: CheckParameters }

export interface PostureResult {
  checkId: string;
  platform: Platform;
  targetKind: TargetKind;
  targetName: string;
  org: string;
  repository: string | null;
  status: CheckStatus;
  evidence: Evidence;
  /** Why the status is UNKNOWN; null otherwise. */
  reason: string | null;
  severity: Severity;
}

function sameType(def: ParameterValue, v: unknown): v is ParameterValue {
  if (Array.isArray(def)) return Array.isArray(v) && v.every((x) => typeof x === "string");
  if (typeof def === "number") return typeof v === "number" && Number.isFinite(v);
  return typeof v === typeof def;
}

/** Problems with an override (unknown check, severity or parameter, a value of the wrong type), for the API to refuse. */
export function validateOverride(checkId: string, o: CheckOverride): string[] {
  const check = getCheck(checkId);
  if (!check) return [`unknown checkId "${checkId}"`];
  const errors: string[] = [];
  if (o.enabled !== undefined && typeof o.enabled !== "boolean") errors.push("enabled must be a boolean");
  if (o.severity !== undefined && !SEVERITIES.includes(o.severity)) errors.push(`severity must be one of ${SEVERITIES.join(", ")}`);
  for (const [k, v] of Object.entries(o.parameters ?? {})) {
    const def = check.parameters[k];
    if (def === undefined) errors.push(`${checkId} has no parameter "${k}" (it has: ${Object.keys(check.parameters).join(", ") || "none"})`);
    else if (!sameType(def, v)) errors.push(`parameter "${k}" must be ${Array.isArray(def) ? "a list of strings" : `a ${typeof def}`}`);
    else if (typeof v === "number" && v < 0) errors.push(`parameter "${k}" must not be negative`);
  }
  return errors;
}

/** The effective settings of a check for one organization. Invalid override values are skipped (validateOverride reports them). */
export function resolveCheck(check: PostureCheckDefinition, config: PostureConfig, org: string): ResolvedCheck {
  const out: ResolvedCheck = { enabled: true, severity: check.severity, parameters: { ...check.parameters } };
  for (const o of [config.estate?.[check.checkId], config.organizations?.[org]?.[check.checkId]]) {
    if (!o) continue;
    if (typeof o.enabled === "boolean") out.enabled = o.enabled;
    if (o.severity && SEVERITIES.includes(o.severity)) out.severity = o.severity;
    for (const [k, v] of Object.entries(o.parameters ?? {})) {
      const def = check.parameters[k];
      if (def !== undefined && sameType(def, v) && !(typeof v === "number" && v < 0)) out.parameters[k] = v;
    }
  }
  return out;
}

/** Archived repositories (and workflows in them, which cannot run) are not assessed. */
function assessed(t: PostureTarget): boolean {
  if (t.kind === "repository") return !t.archived;
  if (t.kind === "workflow") return !t.repositoryArchived;
  return true;
}

/**
 * Every enabled check against every target of its platform and kind. A check
 * that throws answers UNKNOWN (never FAIL): a bug must not open findings.
 */
export function evaluateAll(
  targets: readonly PostureTarget[], config: PostureConfig = {}, ctx: CheckContext = { now: new Date() },
  checks: readonly PostureCheckDefinition[] = BUILT_IN_CHECKS,
): PostureResult[] {
  const results: PostureResult[] = [];
  const resolved = new Map<string, ResolvedCheck>();
  for (const t of targets) {
    if (!assessed(t)) continue;
    for (const check of checksFor(t.platform, t.kind, checks)) {
      const key = `${t.org}\u0000${check.checkId}`;
      let r = resolved.get(key);
      if (!r) { r = resolveCheck(check, config, t.org); resolved.set(key, r); }
      if (!r.enabled) continue;
      let outcome;
      try {
        outcome = check.evaluate(t, r.parameters, ctx);
      } catch (err) {
        outcome = { status: "UNKNOWN" as const, reason: `the check could not be evaluated: ${(err as Error).message}` };
      }
      results.push({
        checkId: check.checkId, platform: t.platform, targetKind: t.kind, targetName: t.name, org: t.org, repository: t.repository ?? null,
        status: outcome.status, evidence: outcome.evidence ?? {}, reason: outcome.status === "UNKNOWN" ? outcome.reason : null, severity: r.severity,
      });
    }
  }
  return results;
}
