import { EntityManager } from "typeorm";
import { FindingState } from "../common/types";
import { FindingInput } from "./finding-store.types";
import { jsonArray, numberArray, textArray, timeArray } from "../db/pg-array";

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

type Kind = "text" | "number" | "time" | "json";

// Column name, SQL type, how its array literal is built, and accessor: one list drives INSERT and UPDATE alike.
export const COLUMNS: [string, string, Kind, (w: FindingWrite) => unknown][] = [
  ["fingerprint", "varchar", "text", (w) => w.fingerprint],
  ["category", "varchar", "text", (w) => w.category],
  ["severity", "varchar", "text", (w) => w.severity],
  ["severity_rank", "smallint", "number", (w) => w.severityRank],
  ["state", "varchar", "text", (w) => w.state],
  ["title", "varchar", "text", (w) => w.title],
  ["message", "text", "text", (w) => w.message],
  ["rule_id", "varchar", "text", (w) => w.ruleId],
  ["rule_ref_id", "uuid", "text", (w) => w.ruleRefId],
  ["tool", "varchar", "text", (w) => w.tool],
  ["tool_version", "varchar", "text", (w) => w.toolVersion],
  ["path", "varchar", "text", (w) => w.path],
  ["start_line", "integer", "number", (w) => w.startLine],
  ["end_line", "integer", "number", (w) => w.endLine],
  ["start_column", "integer", "number", (w) => w.startColumn],
  ["end_column", "integer", "number", (w) => w.endColumn],
  ["snippet", "text", "text", (w) => w.snippet],
  ["vulnerability_id", "varchar", "text", (w) => w.vulnerabilityId],
  // text[] per row cannot ride in a rectangular array: joined with a unit separator.
  ["cwes", "text", "text", (w) => w.cwes.join("\u001f")],
  ["cvss_score", "real", "number", (w) => w.cvssScore],
  ["cvss_vector", "varchar", "text", (w) => w.cvssVector],
  ["package_name", "varchar", "text", (w) => w.packageName],
  ["package_version", "varchar", "text", (w) => w.packageVersion],
  ["fixed_version", "varchar", "text", (w) => w.fixedVersion],
  ["details", "jsonb", "json", (w) => w.details ?? {}],
  ["first_seen_at", "timestamptz", "time", (w) => w.firstSeenAt],
  ["fixed_at", "timestamptz", "time", (w) => w.fixedAt],
  ["dismissed_at", "timestamptz", "time", (w) => w.dismissedAt],
  ["dismiss_reason", "varchar", "text", (w) => w.dismissReason],
  ["dismiss_comment", "text", "text", (w) => w.dismissComment],
  ["dismissed_by", "varchar", "text", (w) => w.dismissedBy],
  ["due_at", "timestamptz", "time", (w) => w.dueAt],
  ["priority_score", "smallint", "number", (w) => w.priorityScore],
  ["priority_level", "varchar", "text", (w) => w.priorityLevel],
];

/** The column's values for all rows as one PostgreSQL array literal (db/pg-array.ts). */
function literal(kind: Kind, get: (w: FindingWrite) => unknown, rows: FindingWrite[]): string {
  const values = rows.map(get);
  switch (kind) {
    case "number": return numberArray(values as (number | null)[]);
    case "time": return timeArray(values as (Date | null)[]);
    case "json": return jsonArray(values);
    default: return textArray(values as (string | null)[]);
  }
}

function value(col: string): string {
  return col === "cwes" ? "CASE WHEN u.cwes = '' THEN '{}'::text[] ELSE string_to_array(u.cwes, chr(31)) END" : `u.${col}`;
}

/** One INSERT for all new findings: one bind parameter per column, not per row. */
export async function insertFindings(em: EntityManager, scope: { organizationId: string; repositoryId: string; analysisCategory: string; source: string }, rows: FindingWrite[], now: Date): Promise<Map<string, string>> {
  if (!rows.length) return new Map();
  const params = COLUMNS.map(([, , kind, get]) => literal(kind, get, rows));
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
  const params = [textArray(rows.map((r) => r.id!)), ...cols.map(([, , kind, get]) => literal(kind, get, rows))];
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
