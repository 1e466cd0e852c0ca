import { FindingCategory, FindingState, Severity } from "../../common/types";
import type { FindingInput, RuleInput } from "./finding-types";

export const CODE_SCANNING_CATEGORY = "github:code-scanning";
export const CODE_SCANNING_REST = { resource: "code-scanning-alerts", path: "code-scanning", extraParams: {} };

export interface CodeScanningAlertRaw {
  number: number; created_at: string; updated_at: string; html_url: string; state: "open" | "dismissed" | "fixed";
  fixed_at: string | null; dismissed_at: string | null; dismissed_reason: string | null; dismissed_comment: string | null;
  rule: { id: string; name?: string; severity: string | null; security_severity_level?: string | null; description?: string; full_description?: string; tags?: string[] | null; help_uri?: string | null };
  tool: { name: string; version: string | null; guid?: string | null };
  most_recent_instance?: {
    ref?: string; analysis_key?: string; category?: string; commit_sha?: string; message?: { text?: string };
    location?: { path?: string; start_line?: number; end_line?: number; start_column?: number; end_column?: number };
  };
  repository?: { full_name: string };
}

const SECURITY: Record<string, Severity> = { critical: Severity.CRITICAL, high: Severity.HIGH, medium: Severity.MEDIUM, low: Severity.LOW };
const LEVEL: Record<string, Severity> = { error: Severity.HIGH, warning: Severity.MEDIUM, note: Severity.LOW, none: Severity.INFO };
const SCORE: Record<string, number> = { critical: 9.5, high: 8, medium: 5.5, low: 2 };

export function cwesFromTags(tags: string[] | null | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => /cwe-0*(\d+)$/i.exec(t)?.[1]).filter((x): x is string => !!x).map((n) => `CWE-${n}`))];
}

/** transform: one code scanning alert → a finding whose state follows GitHub's (open, dismissed with reason, fixed). */
export function codeScanningFinding(a: CodeScanningAlertRaw): FindingInput {
  const inst = a.most_recent_instance ?? {};
  const loc = inst.location ?? {};
  const sourceState =
    a.state === "fixed" ? { state: FindingState.FIXED, at: a.fixed_at ? new Date(a.fixed_at) : null }
    : a.state === "dismissed" ? { state: FindingState.DISMISSED, dismissReason: a.dismissed_reason, dismissComment: a.dismissed_comment, at: a.dismissed_at ? new Date(a.dismissed_at) : null }
    : { state: FindingState.OPEN };
  const vuln = /^(CVE-\d{4}-\d+|GHSA(-[a-z0-9]{4}){3})$/i.test(a.rule.id) ? a.rule.id.toUpperCase() : null;
  return {
    fingerprint: `gh-alert:${a.number}`, category: FindingCategory.CODE,
    severity: SECURITY[a.rule.security_severity_level ?? ""] ?? LEVEL[a.rule.severity ?? ""] ?? Severity.MEDIUM,
    title: a.rule.description || a.rule.name || a.rule.id, message: inst.message?.text ?? null,
    ruleId: a.rule.id, tool: a.tool.name, toolVersion: a.tool.version ?? null,
    path: loc.path ?? null, startLine: loc.start_line ?? null, endLine: loc.end_line ?? null, startColumn: loc.start_column ?? null, endColumn: loc.end_column ?? null,
    snippet: null, vulnerabilityId: vuln, cwes: cwesFromTags(a.rule.tags), cvssScore: null, cvssVector: null,
    packageName: null, packageVersion: null, fixedVersion: null,
    details: { alertNumber: a.number, url: a.html_url, ref: inst.ref ?? null, commitSha: inst.commit_sha ?? null, analysisKey: inst.analysis_key ?? null, githubCategory: inst.category ?? null, githubState: a.state },
    sourceState,
  };
}

export function codeScanningRule(a: CodeScanningAlertRaw): RuleInput {
  return {
    tool: a.tool.name, ruleId: a.rule.id, name: a.rule.name ?? null, shortDescription: a.rule.description ?? null, fullDescription: a.rule.full_description ?? null,
    helpText: null, helpUri: a.rule.help_uri ?? null, tags: a.rule.tags ?? [], securitySeverity: SCORE[a.rule.security_severity_level ?? ""] ?? null,
  };
}
