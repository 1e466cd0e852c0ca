import { EntityManager } from "typeorm";
import { FindingState } from "../common/types";
import { FindingInput } from "./finding-store.types";

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

// Column name, SQL array type, and accessor: one list drives INSERT and UPDATE alike.
const COLUMNS: [string, string, (w: FindingWrite) => unknown][] = [
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
  // text[] per row cannot ride in a rectangular array: joined with a unit separator.
  ["cwes", "text", (w) => w.cwes.join("\u001f")],
  ["cvss_score", "real", (w) => w.cvssScore],
  ["cvss_vector", "varchar", (w) => w.cvssVector],
  ["package_name", "varchar", (w) => w.packageName],
  ["package_version", "varchar", (w) => w.packageVersion],
  ["fixed_version", "varchar", (w) => w.fixedVersion],
  ["details", "text", (w) => JSON.stringify(w.details ?? {})],
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

function value(col: string): string {
  if (col === "cwes") return "CASE WHEN u.cwes = '' THEN '{}'::text[] ELSE string_to_array(u.cwes, chr(31)) END";
  if (col === "details") return "u.details::jsonb";
  return `u.${col}`;
}

/** One INSERT for all new findings: one bind parameter per column, not per row. */
export async function insertFindings(em: EntityManager, scope: { organizationId: string; repositoryId: string; analysisCategory: string; source: string }, rows: FindingWrite[], now: Date): Promise<Map<string, string>> {
  if (!rows.length) return new Map();
  const params = COLUMNS.map(([, , get]) => rows.map(get));
  const n = COLUMNS.length;
  const sql = `INSERT INTO finding (organization_id, repository_id, analysis_category, source, last_seen_at, ${COLUMNS.map(([c]) => c).join(", ")})
    SELECT $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, ${COLUMNS.map(([c]) => value(c)).join(", ")}
      FROM unnest(${COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(", ")}) AS u(${COLUMNS.map(([c]) => c).join(", ")})
    RETURNING id, fingerprint`;
  const out: { id: string; fingerprint: string }[] = await em.query(sql, [...params, scope.organizationId, scope.repositoryId, scope.analysisCategory, scope.source, now]);
  return new Map(out.map((r) => [r.fingerprint, r.id]));
}

/** One UPDATE for all changed findings (by id); first_seen_at stays as it was. */
export async function updateFindings(em: EntityManager, rows: FindingWrite[], now: Date): Promise<void> {
  if (!rows.length) return;
  const cols = COLUMNS.filter(([c]) => c !== "fingerprint" && c !== "first_seen_at");
  const params = [rows.map((r) => r.id!), ...cols.map(([, , get]) => rows.map(get))];
  const sql = `UPDATE finding f SET last_seen_at = $${cols.length + 2}, updated_at = $${cols.length + 2}, ${cols.map(([c]) => `${c} = ${value(c)}`).join(", ")}
    FROM unnest($1::uuid[], ${cols.map(([, t], i) => `$${i + 2}::${t}[]`).join(", ")}) AS u(id, ${cols.map(([c]) => c).join(", ")})
   WHERE f.id = u.id`;
  await em.query(sql, [...params, now]);
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
