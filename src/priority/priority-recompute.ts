import { EntityManager } from "typeorm";
import { FindingEventType } from "../common/types";
import type { PriorityPolicy } from "./priority.policy";
import { priorityLevelSql } from "./priority.sql";
import { type PrioritySql, type RecomputeSource } from "./priority.types";
import { appendEvents, type EventRow } from "../events/outbox";
import { withLocalSettings } from "../db/local-settings";

export interface RecomputeScope {
  findingIds?: string[];
  repositoryIds?: string[];
  cves?: string[];
  /** Open findings past due at this time (the clock alone moves only their score). */
  overdueAt?: Date;
  all?: boolean;
}

export interface RecomputeResult { scanned: number; changed: number; levelChanged: number }

/** WHERE conditions (joined with OR) over finding `f` for a scope, with their parameters from $1. */
export function scopeConditions(where: RecomputeScope): { conds: string[]; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  if (where.findingIds?.length) { params.push(where.findingIds); conds.push(`f.id = ANY($${params.length}::uuid[])`); }
  if (where.repositoryIds?.length) { params.push(where.repositoryIds); conds.push(`f.repository_id = ANY($${params.length}::uuid[])`); }
  // A semi-join, not = ANY: an EPSS import can name a quarter of a million CVEs.
  if (where.cves?.length) { params.push(where.cves); conds.push(`f.vulnerability_id IN (SELECT unnest($${params.length}::varchar[]))`); }
  if (where.overdueAt) { params.push(where.overdueAt); conds.push(`(f.state = 'OPEN' AND f.due_at < $${params.length})`); }
  return { conds, params };
}

/**
 * Rescoring inside the database, for a strategy with a SQL form: ONE statement
 * reads the findings in scope, computes score and level (the resource points
 * of each repository come in as a JSON object, computed here by the
 * strategy), writes only the finding_rank rows whose score or level moved, in
 * physical order (the wide finding rows are only read), and returns the level
 * changes for PRIORITY_CHANGED. No finding row
 * travels to JavaScript except those level changes.
 */
export async function recomputeInSql(svc: RecomputeSource, sql: PrioritySql, em: EntityManager, where: RecomputeScope, policy: PriorityPolicy, now: Date): Promise<RecomputeResult> {
  // Only the repositories the scope names need their resources; another scope may reach any linked one.
  const onlyRepos = !!where.repositoryIds?.length && !where.findingIds?.length && !where.cves?.length && !where.overdueAt && !where.all;
  const resources = await svc.resources(em, onlyRepos ? where.repositoryIds! : null);
  const points: Record<string, number> = {};
  for (const [repo, list] of resources) points[repo] = sql.resourcePoints(list, policy);
  const total = { scanned: 0, changed: 0, levelChanged: 0 };
  // Rank rows written in between by a committed concurrent transaction are skipped by the ctid join (their
  // new version is elsewhere); a second pass, with a fresh snapshot, rescores them from what was committed.
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const r = await withLocalSettings(em, RECOMPUTE_SETTINGS, () => rescoreStatement(sql, em, where, policy, points, now));
    if (pass === 0) total.scanned = r.scanned;
    total.changed += r.changed;
    total.levelChanged += r.events.length;
    await appendEvents(em, r.events.map(([findingId, organizationId, repositoryId, fromScore, fromLevel, toScore, toLevel]) =>
      priorityChanged({ findingId, organizationId, repositoryId }, { score: fromScore, level: fromLevel }, { score: toScore, level: toLevel }, policy)), now);
    if (r.changed === r.due) break;
  }
  return total;
}

/** The PRIORITY_CHANGED event of a rescored finding (both recompute paths). */
export function priorityChanged(f: { findingId: string; organizationId: string; repositoryId: string }, from: { score: number; level: string },
  to: { score: number; level: string }, policy: PriorityPolicy): EventRow {
  return { ...f, type: FindingEventType.PRIORITY_CHANGED, payload: { from, to, policyVersion: policy.version } };
}

type LevelChange = [id: string, organizationId: string, repositoryId: string, fromScore: number, fromLevel: string, toScore: number, toLevel: string];

async function rescoreStatement(sql: PrioritySql, em: EntityManager, where: RecomputeScope, policy: PriorityPolicy, points: Record<string, number>, now: Date): Promise<{ scanned: number; due: number; changed: number; events: LevelChange[] }> {
  const { conds, params } = scopeConditions(where);
  params.push(JSON.stringify(points), now.getTime());
  const n = params.length;
  // A jsonb object lookup (binary search on its keys) rather than a join: the plan below has no hash joins.
  const resourcePoints = `coalesce(($${n - 1}::jsonb ->> f.repository_id::text)::int, 0)`;
  const score = sql.score(policy, { finding: "f", intel: "vi", resourcePoints, nowMs: `$${n}::bigint` });
  const [row]: { scanned: number; due: number; changed: number; events: string }[] = await em.query(
    `WITH scored AS MATERIALIZED (
       SELECT r.ctid AS tid, f.id, f.organization_id, f.repository_id, r.priority_score AS old_score, r.priority_level AS old_level, ${score} AS score
         FROM finding f JOIN finding_rank r ON r.finding_id = f.id LEFT JOIN vulnerability_intel vi ON vi.cve = f.vulnerability_id
        ${conds.length ? `WHERE ${conds.join(" OR ")}` : ""}),
     next AS MATERIALIZED (
       SELECT s.*, ${priorityLevelSql("s.score", policy)} AS level FROM scored s),
     upd AS (
       UPDATE finding_rank r SET priority_score = n.score, priority_level = n.level
         FROM (SELECT * FROM next WHERE score <> old_score OR level <> old_level ORDER BY tid) n
        WHERE r.ctid = n.tid
       RETURNING n.id, n.organization_id, n.repository_id, n.old_score, n.old_level, n.score, n.level)
     SELECT (SELECT count(*) FROM next)::int AS scanned,
            (SELECT count(*) FROM next WHERE score <> old_score OR level <> old_level)::int AS due,
            (SELECT count(*) FROM upd)::int AS changed,
            (SELECT coalesce(json_agg(json_build_array(id, organization_id, repository_id, old_score, old_level, score, level)), '[]')
               FROM upd WHERE level <> old_level)::text AS events`, params);
  return { scanned: row.scanned, due: row.due, changed: row.changed, events: JSON.parse(row.events) as LevelChange[] };
}

/**
 * Planner settings for the rescoring statement, for its duration only (then
 * restored, the caller's transaction goes on): the findings are written
 * through a nested loop on ctid in physical order — a hash join (what the
 * planner picks for 100k rows against a million) hands them to the UPDATE in
 * hash-batch order, which dirtied 10× the pages and took 3× the time; no JIT
 * (compiling the expression costs more than it saves on one pass).
 */
const RECOMPUTE_SETTINGS = { enable_hashjoin: "off", enable_mergejoin: "off", jit: "off" };
const MAX_PASSES = 5;
