import { Severity, SEVERITY_RANK } from "../../common/types";
import { num } from "./values";

/** GitHub's security-severity bands (CVSS qualitative ratings). */
export function severityFromScore(score: number): Severity {
  if (score >= 9.0) return Severity.CRITICAL;
  if (score >= 7.0) return Severity.HIGH;
  if (score >= 4.0) return Severity.MEDIUM;
  if (score > 0) return Severity.LOW;
  return Severity.INFO;
}

const LABELS: Record<string, Severity> = {
  critical: Severity.CRITICAL,
  high: Severity.HIGH,
  medium: Severity.MEDIUM,
  moderate: Severity.MEDIUM,
  low: Severity.LOW,
  info: Severity.INFO,
  informational: Severity.INFO,
  none: Severity.INFO,
};

export function severityFromLabel(label: string): Severity | null {
  return Object.prototype.hasOwnProperty.call(LABELS, label.trim().toLowerCase()) ? LABELS[label.trim().toLowerCase()] : null;
}

const LEVELS: Record<string, Severity> = {
  error: Severity.HIGH,
  warning: Severity.MEDIUM,
  note: Severity.LOW,
  none: Severity.INFO,
};

export function severityFromLevel(level: string | null): Severity {
  // SARIF §3.27.10: an absent level (and no defaultConfiguration) means "warning".
  if (level && Object.prototype.hasOwnProperty.call(LEVELS, level)) return LEVELS[level];
  return Severity.MEDIUM;
}

export interface SecuritySeverity {
  score: number | null;
  severity: Severity;
}

/**
 * `security-severity` is specified as a numeric string, but Semgrep writes labels ("HIGH");
 * both are honoured. Out-of-range numbers are ignored so the level fallback applies.
 */
export function parseSecuritySeverity(raw: unknown): SecuritySeverity | null {
  const n = num(raw);
  if (n !== null) return n >= 0 && n <= 10 ? { score: n, severity: severityFromScore(n) } : null;
  if (typeof raw === "string") {
    const s = severityFromLabel(raw);
    if (s) return { score: null, severity: s };
  }
  return null;
}

export function worse(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

export function rankOf(s: Severity): number {
  return SEVERITY_RANK[s];
}
