import { DomainError } from "../common/errors";
import { DataSource, EntityManager } from "typeorm";
import { FindingCategory } from "../common/types";
import { DefaultPriorityStrategy } from "./priority.strategy";
import { DEFAULT_PRIORITY_POLICY, PriorityPolicy } from "./priority.policy";
import { validatePriorityPolicy } from "./priority-policy.validation";
import { type PriorityInput, type PriorityResult, type PriorityStrategy, type ResourceContext, type IntelRow, type PriorityContext, type PriorityRow } from "./priority.types";
import { PriorityPolicyRow } from "../entities/index";
import { recomputeInSql, RecomputeResult, RecomputeScope, scopeConditions } from "./priority-recompute";
export type { IntelRow, PriorityContext, PriorityRow } from "./priority.types";
import { recomputeInJs } from "./priority-recompute-js";




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
    const resources = repositoryIds.length ? await this.resources(em, repositoryIds) : new Map<string, ResourceContext[]>();
    const intel = new Map<string, IntelRow>();
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

  /** The live resources each repository reaches (of these repositories, or of every linked one). */
  async resources(em: EntityManager, repositoryIds: string[] | null): Promise<Map<string, ResourceContext[]>> {
    const resources = new Map<string, ResourceContext[]>();
    const rows: { repository_id: string; id: string; name: string; internet_exposed: boolean; sensitive_data: boolean; environment: string | null; criticality: ResourceContext["criticality"]; kind: string }[] = await em.query(
      `SELECT DISTINCT ON (rl.repository_id, cr.id) rl.repository_id, cr.id, cr.name, cr.internet_exposed, cr.sensitive_data, cr.environment, cr.criticality, rl.kind
         FROM resource_link rl JOIN cloud_resource cr ON cr.id = rl.resource_id
        WHERE ${repositoryIds ? "rl.repository_id = ANY($1::uuid[]) AND" : ""} cr.gone_at IS NULL
        ORDER BY rl.repository_id, cr.id, rl.confidence DESC`, repositoryIds ? [repositoryIds] : []);
    for (const r of rows) {
      const list = resources.get(r.repository_id) ?? [];
      list.push({ id: r.id, name: r.name, internetExposed: r.internet_exposed, sensitiveData: r.sensitive_data, production: isProduction(r.environment), criticality: r.criticality, via: r.kind === "iac-tag" ? "iac-tag" : r.kind === "image-digest" ? "image-digest" : "deployment" });
      resources.set(r.repository_id, list);
    }
    return resources;
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
   * touches (by finding, repository, CVE, overdue, or all), inside the
   * caller's transaction, and appends PRIORITY_CHANGED for those whose level
   * moved. In the database when the strategy has a SQL form (one statement),
   * else through compute() in chunks (priority-recompute.ts).
   */
  async recompute(em: EntityManager, where: RecomputeScope, now = new Date()): Promise<RecomputeResult> {
    const { conds } = scopeConditions(where);
    if (!conds.length && !where.all) return { scanned: 0, changed: 0, levelChanged: 0 };
    const policy = await this.policy(em);
    return this.strategy.sql ? recomputeInSql(this, this.strategy.sql, em, where, policy, now) : recomputeInJs(this, em, where, policy, now);
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
export class PolicyInputError extends DomainError {
  constructor(message: string) { super("INVALID_POLICY", message); }
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

