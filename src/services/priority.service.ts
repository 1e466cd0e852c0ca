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
  private cachedPolicy: Promise<PriorityPolicy> | undefined;

  constructor(private readonly ds: DataSource, readonly strategy: PriorityStrategy = new DefaultPriorityStrategy()) {}

  async policy(em: EntityManager = this.ds.manager): Promise<PriorityPolicy> {
    // The promise is cached, not the value: the 50 findings of a first page ask at once and must share one read.
    this.cachedPolicy ??= em.getRepository(PriorityPolicyRow).findOne({ where: { id: 1 } })
      .then((row) => (row ? validatePriorityPolicy(row.policy) : DEFAULT_PRIORITY_POLICY));
    return this.cachedPolicy.catch((err) => { this.cachedPolicy = undefined; throw err; });
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
   * PRIORITY_CHANGED for those whose level moved. Works in chunks of
   * RECOMPUTE_CHUNK findings (one read, one UPDATE … FROM unnest, one event
   * insert each) so a million-finding recompute never holds all rows at once.
   */
  async recompute(em: EntityManager, where: { findingIds?: string[]; repositoryIds?: string[]; cves?: string[]; overdueAt?: Date; all?: boolean }, now = new Date()): Promise<{ scanned: number; changed: number; levelChanged: number }> {
    const conds: string[] = [];
    const params: unknown[] = [];
    if (where.findingIds?.length) { params.push(where.findingIds); conds.push(`id = ANY($${params.length}::uuid[])`); }
    if (where.repositoryIds?.length) { params.push(where.repositoryIds); conds.push(`repository_id = ANY($${params.length}::uuid[])`); }
    // A semi-join, not = ANY: an EPSS import can name a quarter of a million CVEs.
    if (where.cves?.length) { params.push(where.cves); conds.push(`vulnerability_id IN (SELECT unnest($${params.length}::varchar[]))`); }
    // Only overdue open findings change with the clock alone.
    if (where.overdueAt) { params.push(where.overdueAt); conds.push(`(state = 'OPEN' AND due_at < $${params.length})`); }
    const total = { scanned: 0, changed: 0, levelChanged: 0 };
    if (!conds.length && !where.all) return total;
    const policy = await this.policy(em);
    const idRows: { id: string }[] = await em.query(`SELECT id FROM finding ${conds.length ? `WHERE ${conds.join(" OR ")}` : ""}`, params);
    // A chunk of 20k ids looks cheaper to the planner as a hash join over a sequential scan of the
    // whole table than as 20k primary-key probes; on a million-row table that read the table once per
    // chunk (50 s for 100k findings, 8 min for all of them). Probes read each row once.
    const scoped = idRows.length > 0;
    if (scoped) await em.query("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_seqscan = off");
    try {
      for (let i = 0; i < idRows.length; i += RECOMPUTE_CHUNK) {
        const r = await this.recomputeChunk(em, idRows.slice(i, i + RECOMPUTE_CHUNK).map((x) => x.id), policy, now);
        total.scanned += r.scanned; total.changed += r.changed; total.levelChanged += r.levelChanged;
      }
    } finally {
      if (scoped) await em.query("SET LOCAL enable_hashjoin = on; SET LOCAL enable_mergejoin = on; SET LOCAL enable_seqscan = on");
    }
    return total;
  }

  private async recomputeChunk(em: EntityManager, findingIds: string[], policy: PriorityPolicy, now: Date): Promise<{ scanned: number; changed: number; levelChanged: number }> {
    const rows: (PriorityRow & { id: string; organizationId: string; priorityScore: number; priorityLevel: string })[] = (await em.query(
      `SELECT id, organization_id, repository_id, category, severity, state, cvss_score, vulnerability_id, fixed_version, details,
              first_seen_at, due_at, priority_score, priority_level
         FROM finding WHERE id = ANY($1::uuid[])`, [findingIds])).map((r: Record<string, any>) => ({
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
          payload: { from: { score: r.priorityScore, level: r.priorityLevel }, to: { score: p.score, level: p.level }, policyVersion: policy.version } });
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

  /** The stored policy (or the default) with its version. */
  async currentPolicy(em: EntityManager = this.ds.manager): Promise<{ policy: PriorityPolicy; isDefault: boolean; updatedAt: Date | null }> {
    const row = await em.getRepository(PriorityPolicyRow).findOne({ where: { id: 1 } });
    return row ? { policy: validatePriorityPolicy(row.policy), isDefault: false, updatedAt: row.updatedAt } : { policy: DEFAULT_PRIORITY_POLICY, isDefault: true, updatedAt: null };
  }

  /**
   * Validates and stores a new policy (version = previous + 1, whatever the
   * input says), then rescores every finding under it in the same
   * transaction. `null` restores the default weights (under a new version).
   */
  async updatePolicy(raw: unknown | null): Promise<{ policy: PriorityPolicy; rescored: number; changed: number }> {
    try {
      return await this.ds.transaction(async (em) => {
        await em.query("SELECT pg_advisory_xact_lock(hashtext('priority_policy'))");
        const current = await this.currentPolicy(em);
        if (raw !== null && (!raw || typeof raw !== "object" || Array.isArray(raw))) throw new PolicyInputError("policy: must be a JSON object");
        // Keys left out keep their current values: {"kev": {"listed": 20}} changes one weight.
        const base = raw === null ? DEFAULT_PRIORITY_POLICY : deepMerge(current.policy as unknown as Record<string, unknown>, raw as Record<string, unknown>);
        let policy: PriorityPolicy;
        try {
          policy = validatePriorityPolicy({ ...(base as Record<string, unknown>), version: current.policy.version + 1 });
        } catch (err) {
          throw new PolicyInputError((err as Error).message);
        }
        await em.query(
          `INSERT INTO priority_policy (id, policy, updated_at) VALUES (1, $1::jsonb, now())
           ON CONFLICT (id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = now()`, [JSON.stringify(policy)]);
        this.cachedPolicy = Promise.resolve(policy);
        const r = await this.recompute(em, { all: true });
        return { policy, rescored: r.scanned, changed: r.changed };
      });
    } finally {
      // Whether it committed or not, the next read goes to the database.
      this.invalidatePolicy();
    }
  }
}

/** A policy that fails validation (the message names every problem). */
export class PolicyInputError extends Error {
  constructor(message: string) { super(message); this.name = "PolicyInputError"; }
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (k === "__proto__" || k === "constructor" || k === "prototype") throw new PolicyInputError(`policy: key ${k} is not allowed`);
    const b = base[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" && !Array.isArray(b)
      ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** Findings per recompute round trip (read, compute, write). */
const RECOMPUTE_CHUNK = 20_000;
