import { FindingCategory, FindingState, Severity } from "../../common/types";
import type { FindingInput, RuleInput } from "./finding-types";

export const SECRET_SCANNING_CATEGORY = "github:secret-scanning";
/** hide_secret=true: GitHub leaves the secret out of the answer; we never store it either way. */
export const SECRET_SCANNING_REST = { resource: "secret-scanning-alerts", path: "secret-scanning", extraParams: { hide_secret: true } };

/** The fields we read. `secret` is deliberately absent: transform copies field by field and never touches it. */
export interface SecretScanningAlertRaw {
  number: number; created_at: string; updated_at: string; html_url: string; state: "open" | "resolved";
  resolution: string | null; resolved_at: string | null; resolution_comment: string | null;
  secret_type: string; secret_type_display_name?: string | null; provider?: string | null;
  validity?: "active" | "inactive" | "unknown" | null; publicly_leaked?: boolean | null; multi_repo?: boolean | null;
  push_protection_bypassed?: boolean | null; has_more_locations?: boolean | null;
  first_location_detected?: { path?: string; start_line?: number; end_line?: number; start_column?: number; end_column?: number; commit_sha?: string } | null;
  repository?: { full_name: string };
}

/**
 * transform: a resolved alert follows GitHub: revoked → FIXED (the credential
 * is dead); false_positive / wont_fix / used_in_tests / pattern_* → DISMISSED
 * with that reason and comment.
 */
export function secretScanningFinding(a: SecretScanningAlertRaw): FindingInput {
  const loc = a.first_location_detected ?? null;
  const at = a.resolved_at ? new Date(a.resolved_at) : null;
  const sourceState =
    a.state === "open" ? { state: FindingState.OPEN }
    : a.resolution === "revoked" ? { state: FindingState.FIXED, at }
    : { state: FindingState.DISMISSED, dismissReason: a.resolution, dismissComment: a.resolution_comment, at };
  const label = a.secret_type_display_name || a.secret_type;
  return {
    fingerprint: `gh-alert:${a.number}`, category: FindingCategory.SECRET,
    severity: a.validity === "inactive" ? Severity.MEDIUM : a.publicly_leaked || a.validity === "active" ? Severity.CRITICAL : Severity.HIGH,
    title: `Exposed secret: ${label}`, message: `${label} committed to the repository${a.provider ? ` (${a.provider})` : ""}`,
    ruleId: a.secret_type, tool: "github-secret-scanning", toolVersion: null,
    path: loc?.path ?? null, startLine: loc?.start_line ?? null, endLine: loc?.end_line ?? null, startColumn: loc?.start_column ?? null, endColumn: loc?.end_column ?? null,
    snippet: null, vulnerabilityId: null, cwes: ["CWE-798"], cvssScore: null, cvssVector: null, packageName: null, packageVersion: null, fixedVersion: null,
    details: {
      alertNumber: a.number, url: a.html_url, validity: a.validity ?? null, provider: a.provider ?? null, publiclyLeaked: a.publicly_leaked ?? null,
      multiRepo: a.multi_repo ?? null, pushProtectionBypassed: a.push_protection_bypassed ?? null, hasMoreLocations: a.has_more_locations ?? null,
      commitSha: loc?.commit_sha ?? null, githubState: a.state, resolution: a.resolution,
    },
    sourceState,
  };
}

export function secretScanningRule(a: SecretScanningAlertRaw): RuleInput {
  const label = a.secret_type_display_name || a.secret_type;
  return { tool: "github-secret-scanning", ruleId: a.secret_type, name: label, shortDescription: `Exposed ${label}`, fullDescription: null, helpText: null, helpUri: null, tags: ["security", "secret"], securitySeverity: null };
}
