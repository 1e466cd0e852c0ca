import { NormalizedFinding, RuleRecord } from "../formats";
import { FindingInput, LoadResult, RuleInput } from "../findings";

/** Parser output → the finding store's input: fields match by name; the rest goes to details. */
export function toFindingInput(f: NormalizedFinding): FindingInput {
  const details: Record<string, unknown> = { kind: f.kind };
  if (f.securitySeverity != null) details.securitySeverity = f.securitySeverity;
  if (f.purl) details.purl = f.purl;
  if (f.analysisState) details.analysisState = f.analysisState;
  if (f.affectedVersions?.length) details.affectedVersions = f.affectedVersions;
  if (f.fixedVersion) details.fixAvailable = true;
  return {
    fingerprint: f.fingerprint, category: f.category, severity: f.severity, title: f.title, message: f.message,
    ruleId: f.ruleId, tool: f.tool, toolVersion: f.toolVersion, path: f.path, startLine: f.startLine, endLine: f.endLine,
    startColumn: f.startColumn, endColumn: f.endColumn, snippet: f.snippet, vulnerabilityId: f.vulnerabilityId, cwes: f.cwes,
    cvssScore: f.cvssScore, cvssVector: f.cvssVector, packageName: f.packageName, packageVersion: f.packageVersion,
    fixedVersion: f.fixedVersion, details, suppressed: f.suppressed, suppressionReason: f.suppressionReason,
  };
}

export function toRuleInput(r: RuleRecord): RuleInput {
  return {
    tool: r.tool, ruleId: r.ruleId, name: r.name, shortDescription: r.shortDescription, fullDescription: r.fullDescription,
    helpText: r.helpText, helpUri: r.helpUri, tags: r.tags, securitySeverity: r.securitySeverity,
  };
}

export function emptyResult(): LoadResult {
  return { results: 0, created: 0, updated: 0, unchanged: 0, fixed: 0, reopened: 0, dismissed: 0 };
}

export function addResults(into: LoadResult, r: LoadResult): LoadResult {
  for (const k of Object.keys(into) as (keyof LoadResult)[]) into[k] += r[k];
  return into;
}
