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
];

// Written to finding_rank, not finding (entities/finding-rank.entity.ts).
const RANK_COLUMNS: typeof COLUMNS = [
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

/** The unnest of every column (finding's and finding_rank's), `u` in the statements below: one bind parameter per column, not per row. */
function unnestOf(cols: typeof COLUMNS, rows: FindingWrite[], first: number): { params: string[]; from: string } {
  return {
    params: cols.map(([, , kind, get]) => literal(kind, get, rows)),
    from: `unnest(${cols.map(([, t], i) => `$${i + first}::${t}[]`).join(", ")}) AS u(${cols.map(([c]) => c).join(", ")})`,
  };
}

/**
 * One statement for all new findings: their finding rows and their finding_rank rows (the ids drawn once,
 * uuid_v7(), for both). Data-modifying CTEs run to completion whether or not the outer query reads them.
 */
export async function insertFindings(em: EntityManager, scope: { organizationId: string; repositoryId: string; analysisCategory: string; source: string }, rows: FindingWrite[], now: Date): Promise<Map<string, string>> {
  if (!rows.length) return new Map();
  const cols = [...COLUMNS, ...RANK_COLUMNS];
  const { params, from } = unnestOf(cols, rows, 1);
  const n = cols.length;
  const sql = `WITH u AS MATERIALIZED (SELECT uuid_v7() AS id, u.* FROM ${from}),
      ins AS (
        INSERT INTO finding (id, organization_id, repository_id, analysis_category, source, last_seen_at, ${COLUMNS.map(([c]) => c).join(", ")})
        SELECT u.id, $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, ${COLUMNS.map(([c]) => value(c)).join(", ")} FROM u),
      rank AS (
        INSERT INTO finding_rank (finding_id, organization_id, repository_id, state, severity, category, priority_score, priority_level)
        SELECT u.id, $${n + 1}, $${n + 2}, u.state, u.severity, u.category, u.priority_score, u.priority_level FROM u)
    SELECT id, fingerprint FROM u`;
  const out: { id: string; fingerprint: string }[] = await em.query(sql, [...params, scope.organizationId, scope.repositoryId, scope.analysisCategory, scope.source, now]);
  return new Map(out.map((r) => [r.fingerprint, r.id]));
}

/**
 * One statement for all changed findings (by id): the finding rows (first_seen_at stays as it was) and
 * their finding_rank rows, written once here (finding's UPDATE trigger then finds them equal).
 */
export async function updateFindings(em: EntityManager, rows: FindingWrite[], now: Date): Promise<void> {
  if (!rows.length) return;
  const cols = [...COLUMNS.filter(([c]) => c !== "fingerprint" && c !== "first_seen_at"), ...RANK_COLUMNS];
  const { params, from } = unnestOf([["id", "uuid", "text", (w) => w.id], ...cols], rows, 1);
  const own = cols.filter((c) => !RANK_COLUMNS.includes(c));
  const sql = `WITH u AS MATERIALIZED (SELECT * FROM ${from}),
      upd AS (
        UPDATE finding f SET last_seen_at = $${cols.length + 2}, updated_at = $${cols.length + 2}, ${own.map(([c]) => `${c} = ${value(c)}`).join(", ")}
          FROM u WHERE f.id = u.id)
    UPDATE finding_rank r SET state = u.state, severity = u.severity, category = u.category, priority_score = u.priority_score, priority_level = u.priority_level
      FROM u
     WHERE r.finding_id = u.id
       AND (r.state, r.severity, r.category, r.priority_score, r.priority_level) IS DISTINCT FROM (u.state, u.severity, u.category, u.priority_score, u.priority_level)`;
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
