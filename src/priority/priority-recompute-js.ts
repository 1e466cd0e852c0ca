import { EntityManager } from "typeorm";
import type { PriorityPolicy } from "./priority.policy";
import { appendEvents, type EventRow } from "../events/outbox";
import { priorityChanged, RecomputeResult, RecomputeScope, scopeConditions } from "./priority-recompute";
import { withLocalSettings } from "../db/local-settings";
import type { PriorityRow, RecomputeSource } from "./priority.types";

/**
 * Rescoring through the strategy's compute(), for a strategy without a SQL
 * form: chunks of RECOMPUTE_CHUNK findings (one read, one UPDATE … FROM
 * unnest of finding_rank, one event batch each), so a million findings are never held at once.
 */
export async function recomputeInJs(svc: RecomputeSource, em: EntityManager, where: RecomputeScope, policy: PriorityPolicy, now: Date): Promise<RecomputeResult> {
  const { conds, params } = scopeConditions(where);
  const total = { scanned: 0, changed: 0, levelChanged: 0 };
  const idRows: { id: string }[] = await em.query(`SELECT f.id FROM finding f ${conds.length ? `WHERE ${conds.join(" OR ")}` : ""} ORDER BY f.id`, params);
  // A chunk of 20k ids looks cheaper to the planner as a hash join over a sequential scan of the
  // whole table than as 20k primary-key probes; on a million-row table that read the table once per
  // chunk (50 s for 100k findings, 8 min for all of them). Probes read each row once.
  if (!idRows.length) return total;
  await withLocalSettings(em, { enable_hashjoin: "off", enable_mergejoin: "off", enable_seqscan: "off" }, async () => {
    for (let i = 0; i < idRows.length; i += RECOMPUTE_CHUNK) {
      const r = await recomputeChunk(svc, em, idRows.slice(i, i + RECOMPUTE_CHUNK).map((x) => x.id), policy, now);
      total.scanned += r.scanned; total.changed += r.changed; total.levelChanged += r.levelChanged;
    }
  });
  return total;
}

async function recomputeChunk(svc: RecomputeSource, em: EntityManager, findingIds: string[], policy: PriorityPolicy, now: Date): Promise<RecomputeResult> {
  const rows: (PriorityRow & { id: string; organizationId: string; priorityScore: number; priorityLevel: string })[] = (await em.query(
    `SELECT f.id, f.organization_id, f.repository_id, f.category, f.severity, f.state, cvss_score, vulnerability_id, fixed_version, details,
            first_seen_at, due_at, r.priority_score, r.priority_level
       FROM finding f JOIN finding_rank r ON r.finding_id = f.id WHERE f.id = ANY($1::uuid[])`, [findingIds])).map((r: Record<string, any>) => ({
    id: r.id, organizationId: r.organization_id, repositoryId: r.repository_id, category: r.category, severity: r.severity, state: r.state,
    cvssScore: r.cvss_score, vulnerabilityId: r.vulnerability_id, fixedVersion: r.fixed_version, details: r.details,
    firstSeenAt: r.first_seen_at, dueAt: r.due_at, priorityScore: r.priority_score, priorityLevel: r.priority_level,
  }));
  const ctx = await svc.context(em, [...new Set(rows.map((r) => r.repositoryId))], rows.map((r) => r.vulnerabilityId ?? ""));
  const ids: string[] = []; const scores: number[] = []; const levels: string[] = [];
  const events: EventRow[] = [];
  for (const r of rows) {
    const p = svc.compute(r, ctx, policy, now);
    if (p.score === r.priorityScore && p.level === r.priorityLevel) continue;
    ids.push(r.id); scores.push(p.score); levels.push(p.level);
    if (p.level !== r.priorityLevel) {
      events.push(priorityChanged({ findingId: r.id, organizationId: r.organizationId, repositoryId: r.repositoryId },
        { score: r.priorityScore, level: r.priorityLevel }, { score: p.score, level: p.level }, policy));
    }
  }
  if (ids.length) {
    await em.query(
      `UPDATE finding_rank r SET priority_score = u.score, priority_level = u.level
         FROM unnest($1::uuid[], $2::smallint[], $3::varchar[]) AS u(id, score, level) WHERE r.finding_id = u.id`, [ids, scores, levels]);
  }
  await appendEvents(em, events, now);
  return { scanned: rows.length, changed: ids.length, levelChanged: events.length };
}

/** Findings per JavaScript recompute round trip (read, compute, write). */
const RECOMPUTE_CHUNK = 20_000;
