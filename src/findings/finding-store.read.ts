import { EntityManager } from "typeorm";
import { FindingWrite } from "./finding-store.sql";

/** A stored finding as a load first reads it: identity, lifecycle, priority and content digest (no content). */
export type Known = Pick<FindingWrite, "fingerprint" | "state" | "ruleRefId" | "firstSeenAt" | "fixedAt" | "dismissedAt" | "dismissReason"
  | "dismissComment" | "dismissedBy" | "dueAt" | "priorityScore" | "priorityLevel"> & { id: string; contentHash: string | null };

/** A stored finding whole (what a changed re-sighting is compared with, field by field). */
export type Stored = FindingWrite & { id: string; repositoryId: string };

/** Scope size from which its ranks are read by repository rather than probed by id (a probe each). */
const BY_REPOSITORY = 2_000;

const date = (ms: number | null) => (ms === null ? null : new Date(ms));
// Epoch milliseconds: a number per timestamp instead of a date string to parse (25,000 rows per upload).
const TIMES = `(extract(epoch FROM first_seen_at) * 1000)::float8 AS first_seen_ms, (extract(epoch FROM fixed_at) * 1000)::float8 AS fixed_ms,
  (extract(epoch FROM dismissed_at) * 1000)::float8 AS dismissed_ms, (extract(epoch FROM due_at) * 1000)::float8 AS due_ms`;

/**
 * The scope's findings by fingerprint, narrow: the wide columns (title,
 * message, snippet, details, …) are read only for findings whose digest
 * differs (storedFindings). Scores of a large scope come from the
 * repository's finding_rank rows through its repository index — for 25,000
 * findings a fifth of the cost of a primary-key probe each.
 */
export async function knownFindings(em: EntityManager, scope: { repositoryId: string; analysisCategory: string }): Promise<Map<string, Known>> {
  const rows: Record<string, any>[] = await em.query(
    `SELECT id, fingerprint, state, content_hash, rule_ref_id, dismiss_reason, dismiss_comment, dismissed_by, ${TIMES}
       FROM finding WHERE repository_id = $1 AND analysis_category = $2`, [scope.repositoryId, scope.analysisCategory]);
  if (!rows.length) return new Map();
  // A large scope: all the repository's rank rows through its index (one range); a small one: by id.
  const ranks: { finding_id: string; priority_score: number; priority_level: string }[] = rows.length >= BY_REPOSITORY
    ? await em.query("SELECT finding_id, priority_score, priority_level FROM finding_rank WHERE repository_id = $1", [scope.repositoryId])
    : await em.query("SELECT finding_id, priority_score, priority_level FROM finding_rank WHERE finding_id = ANY($1::uuid[])", [rows.map((r) => r.id)]);
  const rank = new Map(ranks.map((r) => [r.finding_id, r]));
  return new Map(rows.map((r) => {
    const k = rank.get(r.id);
    return [r.fingerprint, {
      id: r.id, fingerprint: r.fingerprint, state: r.state, contentHash: r.content_hash, ruleRefId: r.rule_ref_id,
      dismissReason: r.dismiss_reason, dismissComment: r.dismiss_comment, dismissedBy: r.dismissed_by,
      firstSeenAt: new Date(r.first_seen_ms), fixedAt: date(r.fixed_ms), dismissedAt: date(r.dismissed_ms), dueAt: date(r.due_ms),
      priorityScore: k?.priority_score ?? 0, priorityLevel: k?.priority_level ?? "P4",
    } satisfies Known];
  }));
}

/** Whole stored findings by id: their content, beside the identity, lifecycle and priority `known` already holds. */
export async function storedFindings(em: EntityManager, repositoryId: string, known: Known[]): Promise<Map<string, Stored>> {
  if (!known.length) return new Map();
  const rows: Record<string, any>[] = await em.query(
    `SELECT id, category, severity, severity_rank, title, message, rule_id, tool, tool_version, path, start_line, end_line, start_column,
            end_column, snippet, vulnerability_id, cwes, cvss_score, cvss_vector, package_name, package_version, fixed_version, details
       FROM finding WHERE id = ANY($1::uuid[])`, [known.map((k) => k.id)]);
  const byId = new Map(known.map((k) => [k.id, k]));
  return new Map(rows.map((r) => [r.id, {
    ...byId.get(r.id)!, repositoryId, category: r.category, severity: r.severity, severityRank: r.severity_rank, title: r.title, message: r.message,
    ruleId: r.rule_id, tool: r.tool, toolVersion: r.tool_version, path: r.path, startLine: r.start_line, endLine: r.end_line, startColumn: r.start_column,
    endColumn: r.end_column, snippet: r.snippet, vulnerabilityId: r.vulnerability_id, cwes: r.cwes, cvssScore: r.cvss_score, cvssVector: r.cvss_vector,
    packageName: r.package_name, packageVersion: r.package_version, fixedVersion: r.fixed_version, details: r.details,
  } satisfies Stored]));
}
