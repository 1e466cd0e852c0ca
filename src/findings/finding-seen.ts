import { FindingState } from "../common/types";

/**
 * lastSeenAt without a row write per re-sighting. A complete load is the
 * whole truth for its (repository, analysis category): every finding it did
 * not see stops being OPEN, so every finding still OPEN after it was seen by
 * it. The newest complete load's time is kept once per scope (finding_scope);
 * a finding's lastSeenAt is its stored last_seen_at or, while OPEN, that time
 * if later. Rows leaving OPEN get the effective value written first
 * (fixFindings), so the rule holds in every state.
 */
export function effectiveLastSeen(f: { state: FindingState | string; storedLastSeenAt: Date }, scopeSeenAt: Date | null | undefined): Date {
  if (f.state !== FindingState.OPEN || !scopeSeenAt) return f.storedLastSeenAt;
  return scopeSeenAt > f.storedLastSeenAt ? scopeSeenAt : f.storedLastSeenAt;
}

/** The same rule in SQL, for ordering and keyset cursors (`alias` is the finding table's alias). */
export function effectiveLastSeenSql(alias: string): string {
  return `CASE WHEN ${alias}.state = 'OPEN' THEN GREATEST(${alias}.last_seen_at, (SELECT s.seen_at FROM finding_scope s
    WHERE s.repository_id = ${alias}.repository_id AND s.analysis_category = ${alias}.analysis_category)) ELSE ${alias}.last_seen_at END`;
}

export function scopeKey(repositoryId: string, analysisCategory: string): string {
  return `${repositoryId}\u0000${analysisCategory}`;
}

interface Queryable { query(sql: string, params?: unknown[]): Promise<unknown> }

/** Newest complete load per scope, for a set of (repository, category) keys (scopeKey). */
export async function scopeSeenAt(db: Queryable, keys: readonly string[]): Promise<Map<string, Date>> {
  const uniq = [...new Set(keys)];
  if (!uniq.length) return new Map();
  const split = uniq.map((k) => k.split("\u0000"));
  const rows = await db.query(
    `SELECT s.repository_id, s.analysis_category, s.seen_at FROM finding_scope s
       JOIN unnest($1::uuid[], $2::varchar[]) AS u(repository_id, analysis_category)
         ON s.repository_id = u.repository_id AND s.analysis_category = u.analysis_category`,
    [split.map((k) => k[0]), split.map((k) => k[1])]) as { repository_id: string; analysis_category: string; seen_at: Date }[];
  return new Map(rows.map((r) => [scopeKey(r.repository_id, r.analysis_category), r.seen_at]));
}

/** Records a complete load of the scope: every finding still OPEN in it was seen at `now`. */
export async function markScopeSeen(db: Queryable, repositoryId: string, analysisCategory: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO finding_scope (repository_id, analysis_category, seen_at) VALUES ($1, $2, $3)
     ON CONFLICT (repository_id, analysis_category) DO UPDATE SET seen_at = EXCLUDED.seen_at`, [repositoryId, analysisCategory, now]);
}
