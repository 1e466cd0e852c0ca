import { EntityManager } from "typeorm";
import { FindingState } from "../common/types";
import { FindingInput } from "./finding-store.types";
import { jsonRows, recordset } from "../db/json-rows";

/** A finding row as the load path writes it: the source's fields plus lifecycle and priority. */
export interface FindingWrite extends Omit<FindingInput, "sourceState" | "suppressed" | "suppressionReason"> {
  id?: string;
  severityRank: number;
  state: FindingState;
  ruleRefId: string | null;
  firstSeenAt: Date;
  fixedAt: Date | null;
  dismissedAt: Date | null;
  dismissReason: string | null;
  dismissComment: string | null;
  dismissedBy: string | null;
  dueAt: Date | null;
  priorityScore: number;
  priorityLevel: string;
}

// Column name, SQL type, and accessor: one list drives INSERT and UPDATE alike.
export const COLUMNS: [string, string, (w: FindingWrite) => unknown][] = [
  ["fingerprint", "varchar", (w) => w.fingerprint],
  ["category", "varchar", (w) => w.category],
  ["severity", "varchar", (w) => w.severity],
  ["severity_rank", "smallint", (w) => w.severityRank],
  ["state", "varchar", (w) => w.state],
  ["title", "varchar", (w) => w.title],
  ["message", "text", (w) => w.message],
  ["rule_id", "varchar", (w) => w.ruleId],
  ["rule_ref_id", "uuid", (w) => w.ruleRefId],
  ["tool", "varchar", (w) => w.tool],
  ["tool_version", "varchar", (w) => w.toolVersion],
  ["path", "varchar", (w) => w.path],
  ["start_line", "integer", (w) => w.startLine],
  ["end_line", "integer", (w) => w.endLine],
  ["start_column", "integer", (w) => w.startColumn],
  ["end_column", "integer", (w) => w.endColumn],
  ["snippet", "text", (w) => w.snippet],
  ["vulnerability_id", "varchar", (w) => w.vulnerabilityId],
  ["cwes", "text[]", (w) => w.cwes],
  ["cvss_score", "real", (w) => w.cvssScore],
  ["cvss_vector", "varchar", (w) => w.cvssVector],
  ["package_name", "varchar", (w) => w.packageName],
  ["package_version", "varchar", (w) => w.packageVersion],
  ["fixed_version", "varchar", (w) => w.fixedVersion],
  ["details", "jsonb", (w) => w.details ?? {}],
  ["first_seen_at", "timestamptz", (w) => w.firstSeenAt],
  ["fixed_at", "timestamptz", (w) => w.fixedAt],
  ["dismissed_at", "timestamptz", (w) => w.dismissedAt],
  ["dismiss_reason", "varchar", (w) => w.dismissReason],
  ["dismiss_comment", "text", (w) => w.dismissComment],
  ["dismissed_by", "varchar", (w) => w.dismissedBy],
  ["due_at", "timestamptz", (w) => w.dueAt],
  ["priority_score", "smallint", (w) => w.priorityScore],
  ["priority_level", "varchar", (w) => w.priorityLevel],
];

/**
 * One row for jsonRows, keyed by column name: an object literal (one shape,
 * JSON.stringify's fast path) with timestamps already ISO strings (toJSON per
 * Date is its slow path). finding-store.sql.test.ts checks it against COLUMNS.
 */
export function record(w: FindingWrite, iso: (d: Date | null) => string | null): Record<string, unknown> {
  return {
    fingerprint: w.fingerprint, category: w.category, severity: w.severity, severity_rank: w.severityRank, state: w.state, title: w.title,
    message: w.message, rule_id: w.ruleId, rule_ref_id: w.ruleRefId, tool: w.tool, tool_version: w.toolVersion, path: w.path,
    start_line: w.startLine, end_line: w.endLine, start_column: w.startColumn, end_column: w.endColumn, snippet: w.snippet,
    vulnerability_id: w.vulnerabilityId, cwes: w.cwes, cvss_score: w.cvssScore, cvss_vector: w.cvssVector, package_name: w.packageName,
    package_version: w.packageVersion, fixed_version: w.fixedVersion, details: w.details ?? {}, first_seen_at: iso(w.firstSeenAt),
    fixed_at: iso(w.fixedAt), dismissed_at: iso(w.dismissedAt), dismiss_reason: w.dismissReason, dismiss_comment: w.dismissComment,
    dismissed_by: w.dismissedBy, due_at: iso(w.dueAt), priority_score: w.priorityScore, priority_level: w.priorityLevel,
  };
}

/** An ISO formatter that formats each distinct instant once (a load's rows share a few). */
export function isoCache(): (d: Date | null) => string | null {
  const seen = new Map<number, string>();
  return (d) => {
    if (d === null || d === undefined) return null;
    const t = d.getTime();
    let s = seen.get(t);
    if (s === undefined) { s = d.toISOString(); seen.set(t, s); }
    return s;
  };
}

function records(rows: FindingWrite[], withId: boolean): Record<string, unknown>[] {
  const iso = isoCache();
  return rows.map((w) => {
    const r = record(w, iso);
    if (withId) r.id = w.id;
    return r;
  });
}

/** One INSERT for all new findings: the rows ride in one JSON parameter (db/json-rows.ts). */
export async function insertFindings(em: EntityManager, scope: { organizationId: string; repositoryId: string; analysisCategory: string; source: string }, rows: FindingWrite[], now: Date): Promise<Map<string, string>> {
  if (!rows.length) return new Map();
  const sql = `INSERT INTO finding (organization_id, repository_id, analysis_category, source, last_seen_at, ${COLUMNS.map(([c]) => c).join(", ")})
    SELECT $1, $2, $3, $4, $5, ${COLUMNS.map(([c]) => `u.${c}`).join(", ")}
      FROM ${recordset(6, COLUMNS.map(([c, t]) => [c, t] as const))}
    RETURNING id, fingerprint`;
  const out: { id: string; fingerprint: string }[] = await em.query(sql,
    [scope.organizationId, scope.repositoryId, scope.analysisCategory, scope.source, now, jsonRows(records(rows, false))]);
  return new Map(out.map((r) => [r.fingerprint, r.id]));
}

/** One UPDATE for all changed findings (by id); first_seen_at stays as it was. */
export async function updateFindings(em: EntityManager, rows: FindingWrite[], now: Date): Promise<void> {
  if (!rows.length) return;
  const cols = COLUMNS.filter(([c]) => c !== "fingerprint" && c !== "first_seen_at");
  const sql = `UPDATE finding f SET last_seen_at = $1, updated_at = $1, ${cols.map(([c]) => `${c} = u.${c}`).join(", ")}
    FROM ${recordset(2, [["id", "uuid"], ...cols.map(([c, t]) => [c, t] as const)])}
   WHERE f.id = u.id`;
  await em.query(sql, [now, jsonRows(records(rows, true))]);
}

export async function touchFindings(em: EntityManager, ids: string[], now: Date): Promise<void> {
  if (ids.length) await em.query("UPDATE finding SET last_seen_at = $2 WHERE id = ANY($1::uuid[])", [ids, now]);
}

/** Marks findings FIXED; `prevSeen` (the scope's previous complete load) becomes their stored last_seen_at if later (finding-seen.ts). */
export async function fixFindings(em: EntityManager, ids: string[], now: Date, prevSeen: Date | null): Promise<void> {
  if (ids.length) {
    await em.query(
      "UPDATE finding SET state = 'FIXED', fixed_at = $2, updated_at = $2, last_seen_at = GREATEST(last_seen_at, $3::timestamptz) WHERE id = ANY($1::uuid[])",
      [ids, now, prevSeen]);
  }
}

type Scope = { repositoryId: string; analysisCategory: string };

/** The time of the scope's newest complete load, if any. */
export async function scopeSeen(em: EntityManager, scope: Scope): Promise<Date | null> {
  const [row] = await em.query("SELECT seen_at FROM finding_scope WHERE repository_id = $1 AND analysis_category = $2", [scope.repositoryId, scope.analysisCategory]);
  return row?.seen_at ?? null;
}

/** Records a complete load of the scope: every finding still OPEN in it was seen at `now`. */
export async function markScopeSeen(em: EntityManager, scope: Scope, now: Date): Promise<void> {
  await em.query(
    `INSERT INTO finding_scope (repository_id, analysis_category, seen_at) VALUES ($1, $2, $3)
     ON CONFLICT (repository_id, analysis_category) DO UPDATE SET seen_at = EXCLUDED.seen_at`, [scope.repositoryId, scope.analysisCategory, now]);
}
