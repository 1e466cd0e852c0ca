import { DataSource } from "typeorm";
import { AccessScope } from "../common/auth";
import { FindingCategory, FindingState, PriorityLevel, Severity } from "../common/types";

export interface PostureCounts {
  total: number;
  open: number;
  bySeverity: Map<Severity, number>;
  byCategory: Map<FindingCategory, number>;
  byState: Map<FindingState, number>;
  byPriorityLevel: Map<PriorityLevel, number>;
}

/** Posture numbers for a console: open findings by severity, category, level; all findings by state. */
export class SummaryService {
  constructor(private readonly ds: DataSource) {}

  private compacting: Promise<void> | null = null;

  async counts(access: AccessScope, scope: { organizationId?: string | null; repositoryId?: string | null }): Promise<PostureCounts> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (access.organizationIds !== null) { params.push(access.organizationIds); where.push(`organization_id = ANY($${params.length}::uuid[])`); }
    if (scope.organizationId) { params.push(scope.organizationId); where.push(`organization_id = $${params.length}`); }
    if (scope.repositoryId) { params.push(scope.repositoryId); where.push(`repository_id = $${params.length}`); }
    // Estate and organization: the trigger-maintained counters (a GROUP BY over a million findings costs
    // ~300 ms); a repository: its own rows of finding_rank (every counter key is there) through its repository index.
    const rows: { state: FindingState; severity: Severity; category: FindingCategory; level: PriorityLevel; n: number; k: number }[] = await this.ds.query(
      scope.repositoryId
        ? `SELECT state, severity, category, priority_level AS level, count(*)::int AS n, 0 AS k FROM finding_rank
           WHERE ${where.join(" AND ")} GROUP BY 1, 2, 3, 4`
        : `SELECT state, severity, category, priority_level AS level, sum(n)::int AS n, count(*)::int AS k FROM finding_count
           ${where.length ? "WHERE " + where.join(" AND ") : ""} GROUP BY 1, 2, 3, 4`, params);
    // Many delta rows per key: fold them, off the request path.
    if (rows.reduce((s, r) => s + r.k, 0) > 4 * rows.length + 1000) void this.compact().catch(() => undefined);
    const out: PostureCounts = { total: 0, open: 0, bySeverity: new Map(), byCategory: new Map(), byState: new Map(), byPriorityLevel: new Map() };
    const add = <K>(m: Map<K, number>, k: K, n: number) => m.set(k, (m.get(k) ?? 0) + n);
    for (const r of rows) {
      out.total += r.n;
      add(out.byState, r.state, r.n);
      if (r.state !== FindingState.OPEN) continue;
      out.open += r.n;
      add(out.bySeverity, r.severity, r.n);
      add(out.byCategory, r.category, r.n);
      add(out.byPriorityLevel, r.level, r.n);
    }
    return out;
  }

  /** Folds the counters' delta rows into one row per key (one compaction at a time per instance and across instances). */
  compact(): Promise<void> {
    this.compacting ??= this.ds.transaction(async (tx) => {
      const [{ ok }] = await tx.query("SELECT pg_try_advisory_xact_lock(hashtext('posturegraph:finding-count')) AS ok");
      if (ok) await tx.query("SELECT finding_count_compact()");
    }).finally(() => { this.compacting = null; });
    return this.compacting;
  }
}
