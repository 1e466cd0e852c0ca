import { EntityManager } from "typeorm";
import { FindingState } from "../common/types";
import { FindingInput } from "./finding-store.types";
import { v7 as uuidv7 } from "uuid";
import { ArrayKind, numberArray, textArray, unnestColumns } from "../db/pg-array";

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
  /** finding-hash.ts: null on rows stored before it existed (compared field by field, then given one). */
  contentHash: string | null;
}

// Column name, SQL type, how its array literal is built, and accessor: one list drives INSERT and UPDATE alike.
export const COLUMNS: [string, string, ArrayKind, (w: FindingWrite) => unknown][] = [
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
  ["content_hash", "varchar", "text", (w) => w.contentHash],
];

// Written to finding_rank, not finding (entities/finding-rank.entity.ts).
const RANK_COLUMNS: typeof COLUMNS = [
  ["priority_score", "smallint", "number", (w) => w.priorityScore],
  ["priority_level", "varchar", "text", (w) => w.priorityLevel],
];

/** The rows' columns as SQL (db/pg-array.ts unnestColumns); cwes travel joined with a unit separator. */
function rowsSql(cols: typeof COLUMNS, rows: FindingWrite[], params: unknown[]): { from: string; col: (name: string) => string } {
  const u = unnestColumns(cols.map(([name, type, kind, get]) => ({ name, type, kind, values: rows.map(get), varying: name === "id" })), params);
  return { from: u.from, col: (name) => (name === "cwes" ? `CASE WHEN ${u.col(name)} = '' THEN '{}'::text[] ELSE string_to_array(${u.col(name)}, chr(31)) END` : u.col(name)) };
}

const ID: (typeof COLUMNS)[number] = ["id", "uuid", "text", (w) => w.id];

/** The columns finding_rank copies from finding (besides organization and repository). */
const RANK_COPIED = ["state", "severity", "category"];
const RANKED = [...RANK_COPIED, ...RANK_COLUMNS.map(([c]) => c)];

/** Rows per statement. */
const CHUNK = 5_000;

type Statement = [sql: string, params: unknown[]];

/**
 * Rows written while the caller goes on: every CHUNK rows become the
 * statements `build` makes of them, sent at once and awaited only before the
 * next chunk is sent, so PostgreSQL writes one chunk while this process
 * builds the next (they run on different cores).
 */
class ChunkedWriter {
  private rows: FindingWrite[] = [];
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly em: EntityManager, private readonly build: (chunk: FindingWrite[]) => Statement[]) {}

  /** The write is sent once a chunk is full (`await` the result to let it go out). */
  add(w: FindingWrite): Promise<void> | null {
    this.rows.push(w);
    return this.rows.length >= CHUNK ? this.send() : null;
  }

  /** Sends what is left and waits for every write. */
  async done(): Promise<void> {
    if (this.rows.length) await this.send();
    await this.pending;
  }

  private async send(): Promise<void> {
    const statements = this.build(this.rows);
    this.rows = [];
    const previous = this.pending;
    this.pending = (async () => { await previous; for (const [sql, params] of statements) await this.em.query(sql, params); })();
    this.pending.catch(() => undefined); // awaited in done(); a failure is reported there
    // One turn of the event loop: the statement goes out on the socket before the caller builds more rows.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * New findings: each chunk is an INSERT into finding and one into
 * finding_rank. Ids are drawn here (UUID version 7: time-ordered, so one
 * upload's rows are neighbours in every (…, id) index). Rows added in
 * fingerprint order also reach the identity index in its order, a tenth
 * faster than at random.
 */
export class FindingInserter extends ChunkedWriter {
  constructor(em: EntityManager, scope: { organizationId: string; repositoryId: string; analysisCategory: string; source: string }, now: Date) {
    super(em, (chunk) => {
      const fp: unknown[] = [scope.organizationId, scope.repositoryId, scope.analysisCategory, scope.source, now];
      const f = rowsSql([ID, ...COLUMNS], chunk, fp);
      const rp: unknown[] = [scope.organizationId, scope.repositoryId];
      const r = rowsSql([ID, ...COLUMNS.filter(([c]) => RANK_COPIED.includes(c)), ...RANK_COLUMNS], chunk, rp);
      return [
        [`INSERT INTO finding (id, organization_id, repository_id, analysis_category, source, last_seen_at, ${COLUMNS.map(([c]) => c).join(", ")})
           SELECT u.id, $1, $2, $3, $4, $5, ${COLUMNS.map(([c]) => f.col(c)).join(", ")} FROM ${f.from}`, fp],
        [`INSERT INTO finding_rank (finding_id, organization_id, repository_id, ${RANKED.join(", ")})
           SELECT u.id, $1, $2, ${RANKED.map((c) => r.col(c)).join(", ")} FROM ${r.from}`, rp],
      ];
    });
  }

  /** Gives the row its id. */
  override add(w: FindingWrite): Promise<void> | null {
    w.id = uuidv7();
    return super.add(w);
  }
}

/**
 * All changed findings (by id), one statement per chunk: the finding rows (first_seen_at stays as
 * it was) and their finding_rank rows, written once here (finding's UPDATE trigger then finds them equal).
 */
export async function updateFindings(em: EntityManager, rows: FindingWrite[], now: Date): Promise<void> {
  const own = COLUMNS.filter(([c]) => c !== "fingerprint" && c !== "first_seen_at");
  const writer = new ChunkedWriter(em, (chunk) => {
    const params: unknown[] = [now];
    const u = rowsSql([ID, ...own, ...RANK_COLUMNS], chunk, params);
    return [[`WITH u AS MATERIALIZED (SELECT u.id, ${[...own.map(([c]) => c), ...RANK_COLUMNS.map(([c]) => c)].map((c) => `${u.col(c)} AS ${c}`).join(", ")} FROM ${u.from}),
        upd AS (
          UPDATE finding f SET last_seen_at = $1, updated_at = $1, ${own.map(([c]) => `${c} = u.${c}`).join(", ")}
            FROM u WHERE f.id = u.id)
      UPDATE finding_rank r SET ${RANKED.map((c) => `${c} = u.${c}`).join(", ")}
        FROM u
       WHERE r.finding_id = u.id
         AND (${RANKED.map((c) => `r.${c}`).join(", ")}) IS DISTINCT FROM (${RANKED.map((c) => `u.${c}`).join(", ")})`, params]];
  });
  for (const r of rows) { const sent = writer.add(r); if (sent) await sent; }
  await writer.done();
}

/** New scores of findings whose rows are otherwise unchanged: only their finding_rank rows are written. */
export async function rescoreFindings(em: EntityManager, rows: { id: string; score: number; level: string }[]): Promise<void> {
  if (!rows.length) return;
  await em.query(
    `UPDATE finding_rank r SET priority_score = u.score, priority_level = u.level
       FROM unnest($1::uuid[], $2::smallint[], $3::varchar[]) AS u(id, score, level) WHERE r.finding_id = u.id`,
    [textArray(rows.map((r) => r.id)), numberArray(rows.map((r) => r.score)), textArray(rows.map((r) => r.level))]);
}

/** The digest of rows stored before content_hash existed (or under another digest), once they compared equal. */
export async function rehashFindings(em: EntityManager, rows: { id: string; hash: string }[]): Promise<void> {
  if (!rows.length) return;
  await em.query("UPDATE finding f SET content_hash = u.hash FROM unnest($1::uuid[], $2::varchar[]) AS u(id, hash) WHERE f.id = u.id",
    [textArray(rows.map((r) => r.id)), textArray(rows.map((r) => r.hash))]);
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
