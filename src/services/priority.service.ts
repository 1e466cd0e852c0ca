import { DataSource, EntityManager } from "typeorm";
import { FindingCategory, FindingEventType, FindingState, Severity } from "../common/types";
import {
  DEFAULT_PRIORITY_POLICY, DefaultPriorityStrategy, PriorityInput, PriorityPolicy, PriorityResult, PriorityStrategy,
  ResourceContext, validatePriorityPolicy,
} from "../priority";
import { PriorityPolicyRow } from "../entities";
import { appendEvents, EventRow } from "./event-log";

/** The columns priority reads from a finding. */
export interface PriorityRow {
  id?: string;
  organizationId?: string;
  repositoryId: string;
  category: FindingCategory;
  severity: Severity;
  state: FindingState;
  cvssScore: number | null;
  vulnerabilityId: string | null;
  fixedVersion: string | null;
  details: Record<string, unknown>;
  firstSeenAt: Date;
  dueAt: Date | null;
}

export interface IntelRow { kev: { dateAdded: string; knownRansomwareCampaignUse: boolean } | null; epss: { score: number; percentile: number } | null }

export interface PriorityContext {
  resources: Map<string, ResourceContext[]>;
  intel: Map<string, IntelRow>;
}

export function isProduction(environment: string | null | undefined): boolean {
  return !!environment && /^prod(uction)?$/i.test(environment.trim());
}

/**
 * Database side of the priority: loads a finding's context set-based (the
 * resources its repository reaches, KEV/EPSS of its CVE), runs the pure
 * strategy, and recomputes stored scores when context changes.
 */
export class PriorityService {
  private cachedPolicy: PriorityPolicy | undefined;

  constructor(private readonly ds: DataSource, readonly strategy: PriorityStrategy = new DefaultPriorityStrategy()) {}

  async policy(em: EntityManager = this.ds.manager): Promise<PriorityPolicy> {
    if (this.cachedPolicy) return this.cachedPolicy;
    const row = await em.getRepository(PriorityPolicyRow).findOne({ where: { id: 1 } });
    this.cachedPolicy = row ? validatePriorityPolicy(row.policy) : DEFAULT_PRIORITY_POLICY;
    return this.cachedPolicy;
  }

  invalidatePolicy(): void {
    this.cachedPolicy = undefined;
  }

  async context(em: EntityManager, repositoryIds: string[], cves: string[]): Promise<PriorityContext> {
    const resources = new Map<string, ResourceContext[]>();
    const intel = new Map<string, IntelRow>();
    if (repositoryIds.length) {
      const rows: { repository_id: string; id: string; name: string; internet_exposed: boolean; sensitive_data: boolean; environment: string | null; criticality: ResourceContext["criticality"]; kind: string }[] = await em.query(
        `SELECT DISTINCT ON (rl.repository_id, cr.id) rl.repository_id, cr.id, cr.name, cr.internet_exposed, cr.sensitive_data, cr.environment, cr.criticality, rl.kind
           FROM resource_link rl JOIN cloud_resource cr ON cr.id = rl.resource_id
          WHERE rl.repository_id = ANY($1::uuid[]) AND cr.gone_at IS NULL
          ORDER BY rl.repository_id, cr.id, rl.confidence DESC`, [repositoryIds]);
      for (const r of rows) {
        const list = resources.get(r.repository_id) ?? [];
        list.push({ id: r.id, name: r.name, internetExposed: r.internet_exposed, sensitiveData: r.sensitive_data, production: isProduction(r.environment), criticality: r.criticality, via: r.kind === "iac-tag" ? "iac-tag" : r.kind === "image-digest" ? "image-digest" : "deployment" });
        resources.set(r.repository_id, list);
      }
    }
    const ids = [...new Set(cves.filter(Boolean))];
    if (ids.length) {
      const rows: { cve: string; kev_date_added: string | null; kev_ransomware: boolean; epss_score: number | null; epss_percentile: number | null }[] = await em.query(
        `SELECT cve, to_char(kev_date_added, 'YYYY-MM-DD') AS kev_date_added, kev_ransomware, epss_score, epss_percentile FROM vulnerability_intel WHERE cve = ANY($1)`, [ids]);
      for (const r of rows) {
        intel.set(r.cve, {
          kev: r.kev_date_added ? { dateAdded: r.kev_date_added, knownRansomwareCampaignUse: r.kev_ransomware } : null,
          epss: r.epss_score != null ? { score: r.epss_score, percentile: r.epss_percentile ?? 0 } : null,
        });
      }
    }
    return { resources, intel };
  }

  input(row: PriorityRow, ctx: PriorityContext, now: Date): PriorityInput {
    const d = row.details ?? {};
    const intel = row.vulnerabilityId ? ctx.intel.get(row.vulnerabilityId) : undefined;
    const validity = d.secretValidity;
    const scope = d.dependencyScope;
    return {
      category: row.category,
      severity: row.severity,
      state: row.state,
      cvssScore: row.cvssScore,
      vulnerabilityId: row.vulnerabilityId,
      kev: intel?.kev ?? null,
      epss: intel?.epss ?? null,
      secretValidity: validity === "active" || validity === "inactive" || validity === "unknown" ? validity : row.category === FindingCategory.SECRET ? "unknown" : null,
      fixAvailable: typeof d.fixAvailable === "boolean" ? d.fixAvailable : row.fixedVersion ? true : null,
      dependencyScope: scope === "runtime" || scope === "development" ? scope : null,
      resources: ctx.resources.get(row.repositoryId) ?? [],
      firstSeenAt: row.firstSeenAt,
      dueAt: row.dueAt,
      now,
    };
  }

  compute(row: PriorityRow, ctx: PriorityContext, policy: PriorityPolicy, now: Date): PriorityResult {
    return this.strategy.compute(this.input(row, ctx, now), policy);
  }

  /**
   * Recomputes the stored score and level of the findings a context change
   * touches (by finding, repository or CVE), set-based, and appends
   * PRIORITY_CHANGED for those whose level moved. Returns how many changed.
   */
  async recompute(em: EntityManager, where: { findingIds?: string[]; repositoryIds?: string[]; cves?: string[]; overdueAt?: Date; all?: boolean }, now = new Date()): Promise<{ scanned: number; changed: number; levelChanged: number }> {
    const conds: string[] = [];
    const params: unknown[] = [];
    if (where.findingIds?.length) { params.push(where.findingIds); conds.push(`id = ANY($${params.length}::uuid[])`); }
    if (where.repositoryIds?.length) { params.push(where.repositoryIds); conds.push(`repository_id = ANY($${params.length}::uuid[])`); }
    if (where.cves?.length) { params.push(where.cves); conds.push(`vulnerability_id = ANY($${params.length})`); }
    // Only overdue open findings change with the clock alone.
    if (where.overdueAt) { params.push(where.overdueAt); conds.push(`(state = 'OPEN' AND due_at < $${params.length})`); }
    if (!conds.length && !where.all) return { scanned: 0, changed: 0, levelChanged: 0 };
    const policy = await this.policy(em);
    const rows: (PriorityRow & { id: string; organizationId: string; priorityScore: number; priorityLevel: string })[] = (await em.query(
      `SELECT id, organization_id, repository_id, category, severity, state, cvss_score, vulnerability_id, fixed_version, details,
              first_seen_at, due_at, priority_score, priority_level
         FROM finding ${conds.length ? `WHERE ${conds.join(" OR ")}` : ""}`, params)).map((r: Record<string, any>) => ({
      id: r.id, organizationId: r.organization_id, repositoryId: r.repository_id, category: r.category, severity: r.severity, state: r.state,
      cvssScore: r.cvss_score, vulnerabilityId: r.vulnerability_id, fixedVersion: r.fixed_version, details: r.details,
      firstSeenAt: r.first_seen_at, dueAt: r.due_at, priorityScore: r.priority_score, priorityLevel: r.priority_level,
    }));
    const ctx = await this.context(em, [...new Set(rows.map((r) => r.repositoryId))], rows.map((r) => r.vulnerabilityId ?? ""));
    const ids: string[] = []; const scores: number[] = []; const levels: string[] = [];
    const events: EventRow[] = [];
    for (const r of rows) {
      const p = this.compute(r, ctx, policy, now);
      if (p.score === r.priorityScore && p.level === r.priorityLevel) continue;
      ids.push(r.id); scores.push(p.score); levels.push(p.level);
      if (p.level !== r.priorityLevel) {
        events.push({ findingId: r.id, organizationId: r.organizationId, repositoryId: r.repositoryId, type: FindingEventType.PRIORITY_CHANGED,
          payload: { from: { score: r.priorityScore, level: r.priorityLevel }, to: { score: p.score, level: p.level } } });
      }
    }
    if (ids.length) {
      await em.query(
        `UPDATE finding f SET priority_score = u.score, priority_level = u.level, updated_at = now()
           FROM unnest($1::uuid[], $2::smallint[], $3::varchar[]) AS u(id, score, level) WHERE f.id = u.id`, [ids, scores, levels]);
    }
    await appendEvents(em, events, now);
    return { scanned: rows.length, changed: ids.length, levelChanged: events.length };
  }
}
