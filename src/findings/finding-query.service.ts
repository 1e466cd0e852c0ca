import { DataSource, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { AccessScope } from "../common/auth";
import { tryId, isUuid } from "../common/ids";
import { ConnectionResult, PageArgs, paginate, SortKey } from "../common/pagination";
import { UserInputError } from "../common/errors";
import { Finding, FindingRank, Repository } from "../entities/index";
import { RANK_EXTRAS, withRank } from "./finding-rank";
import { effectiveLastSeenSql } from "./finding-seen";
import { FindingOrderField, OrderDirection, type FindingFilter, type FindingOrder } from "./finding-filter";

const MAX_FILTER_VALUES = 500;

/** Read side of findings: filtered, keyset-paginated lists on the indexes. */
export class FindingQueryService {
  constructor(private readonly ds: DataSource, private readonly maxPageSize: number) {}

  async list(access: AccessScope, filter: FindingFilter | undefined, order: FindingOrder | undefined, page: PageArgs): Promise<ConnectionResult<Finding>> {
    const sort = sortKey(order);
    const { qb, count } = await this.filtered(access, filter ?? {}, sort.name === "PRIORITY" ? "fr" : "f");
    return paginate(qb, sort, page, this.maxPageSize, { extras: RANK_EXTRAS, count });
  }

  /**
   * The filtered query over findings (`f`) joined to their rank (`fr`, with score and level selected).
   * Organization, repository, state, severity and category are in both tables: `keysOn` says which one
   * they are read from — `fr` when the order is by priority, so they and the sort use its indexes.
   * `count` counts the matches, on finding_rank alone when no condition needs the finding row.
   */
  async filtered(access: AccessScope, filter: FindingFilter, keysOn: "f" | "fr" = "f"): Promise<{ qb: SelectQueryBuilder<Finding>; count: () => Promise<number> }> {
    for (const [key, values] of Object.entries(filter)) {
      if (Array.isArray(values) && values.length > MAX_FILTER_VALUES) throw new UserInputError(`filter.${key}: at most ${MAX_FILTER_VALUES} values`);
    }
    const conds: { sql: string; params: Record<string, unknown>; rank: boolean }[] = [];
    // A condition finding_rank can answer (`k.` is replaced by the alias of the copied columns), or one on finding's own.
    const key = (sql: string, params: Record<string, unknown> = {}) => conds.push({ sql, params, rank: true });
    const own = (sql: string, params: Record<string, unknown> = {}) => conds.push({ sql, params, rank: false });
    if (access.organizationIds !== null) key(`k.organization_id = ANY(:accessOrgs::uuid[])`, { accessOrgs: access.organizationIds });
    if (filter.state?.length) key(anyOf("k.state", "states", filter.state), { states: one(filter.state) });
    if (filter.severity?.length) key(anyOf("k.severity", "severities", filter.severity), { severities: one(filter.severity) });
    if (filter.category?.length) key(anyOf("k.category", "categories", filter.category), { categories: one(filter.category) });
    if (filter.priorityLevel?.length) key(`fr.priority_level = ANY(:levels)`, { levels: filter.priorityLevel });
    if (filter.minScore != null) key(`fr.priority_score >= :minScore`, { minScore: filter.minScore });
    if (filter.tool?.length) own(`f.tool = ANY(:tools)`, { tools: filter.tool });
    if (filter.ruleId?.length) own(`f.rule_id = ANY(:ruleIds)`, { ruleIds: filter.ruleId });
    if (filter.vulnerabilityId?.length) own(`f.vulnerability_id = ANY(:vulnIds)`, { vulnIds: filter.vulnerabilityId });
    if (filter.analysisCategory?.length) own(`f.analysis_category = ANY(:acats)`, { acats: filter.analysisCategory });
    if (filter.organization?.length) {
      const ids = filter.organization.map((g) => tryId(g, "DevOpsOrganization")).filter((x): x is string => !!x);
      // Unknown IDs match nothing rather than everything.
      key(anyOf("k.organization_id", "orgIds", ids, "uuid"), { orgIds: one(ids) });
    }
    if (filter.repository?.length) {
      const ids = await this.resolveRepositories(filter.repository, access);
      key(anyOf("k.repository_id", "repoIds", ids, "uuid"), { repoIds: one(ids) });
    }
    if (filter.owner?.length) {
      const named = filter.owner.filter((o) => o !== "");
      const none = filter.owner.includes("");
      own(`(f.owner = ANY(:owners)${none ? " OR f.owner IS NULL" : ""})`, { owners: named });
    }
    if (filter.internetExposed != null) {
      key(`${filter.internetExposed ? "" : "NOT "}EXISTS (
        SELECT 1 FROM resource_link rl JOIN cloud_resource cr ON cr.id = rl.resource_id
        WHERE rl.repository_id = k.repository_id AND cr.internet_exposed AND cr.gone_at IS NULL)`);
    }
    const build = <E extends ObjectLiteral>(base: SelectQueryBuilder<E>, k: string) => {
      for (const c of conds) base.andWhere(c.sql.replace(/\bk\./g, `${k}.`), c.params);
      return base;
    };
    const qb = build(withRank(this.ds.getRepository(Finding).createQueryBuilder("f")), keysOn);
    const unordered = qb.clone(); // before paginate adds cursor, order and limit
    const count = conds.every((c) => c.rank)
      ? () => build(this.ds.getRepository(FindingRank).createQueryBuilder("fr"), "fr").getCount()
      : () => unordered.getCount();
    return { qb, count };
  }

  /**
   * Repository IDs for a mix of global IDs and full names (unknown ones
   * resolve to nothing). Names resolve only within the caller's organizations,
   * so another tenant's repository name reads exactly like an unknown one.
   */
  async resolveRepositories(refs: string[], access: AccessScope): Promise<string[]> {
    const ids: string[] = [];
    const names: string[] = [];
    for (const r of refs) {
      const id = tryId(r, "Repository");
      if (id) ids.push(id);
      else if (isUuid(r)) ids.push(r.toLowerCase());
      else names.push(r);
    }
    if (names.length) {
      const rows = await this.ds.getRepository(Repository).createQueryBuilder("r")
        .select("r.id", "id").where("lower(r.full_name) = ANY(:names)", { names: names.map((n) => n.toLowerCase()) })
        .andWhere(access.organizationIds === null ? "TRUE" : "r.organization_id = ANY(:accessOrgs::uuid[])", { accessOrgs: access.organizationIds })
        .getRawMany<{ id: string }>();
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  }
}

/**
 * `col = :p` for one value, `col = ANY(:p)` for several. PostgreSQL (before 17) cannot take an ordered
 * index scan on `state = ANY('{OPEN}')`: it then walks another index and filters, which at a million
 * findings turns a repository's first page into a scan of every finding's priority.
 */
function anyOf(column: string, param: string, values: unknown[], cast?: string): string {
  return values.length === 1 ? `${column} = :${param}${cast ? `::${cast}` : ""}` : `${column} = ANY(:${param}${cast ? `::${cast}[]` : ""})`;
}
function one<T>(values: T[]): T | T[] {
  return values.length === 1 ? values[0] : values;
}

function sortKey(order: FindingOrder | undefined): SortKey<Finding> {
  const direction = order?.direction === OrderDirection.ASC ? "ASC" : "DESC";
  switch (order?.field ?? FindingOrderField.PRIORITY) {
    case FindingOrderField.SEVERITY:
      return { name: "SEVERITY", column: "f.severity_rank", cast: "int", direction, idColumn: "f.id", value: (f) => f.severityRank };
    case FindingOrderField.FIRST_SEEN:
      return { name: "FIRST_SEEN", column: "f.first_seen_at", cast: "timestamptz", direction, idColumn: "f.id", value: (f) => f.firstSeenAt.toISOString() };
    case FindingOrderField.LAST_SEEN:
      // Computed (finding-seen.ts): no index serves it, so the filtered set is sorted; filter first at scale.
      return { name: "LAST_SEEN", column: effectiveLastSeenSql("f"), cast: "timestamptz", direction, idColumn: "f.id", selectAs: "effectiveLastSeenAt",
        value: (f) => new Date((f as Finding & { effectiveLastSeenAt: Date | string }).effectiveLastSeenAt).toISOString() };
    default:
      // finding_rank's columns: its (…, priority_score, finding_id) indexes serve the order and the cursor.
      return { name: "PRIORITY", column: "fr.priority_score", cast: "int", direction, idColumn: "fr.finding_id", value: (f) => f.priorityScore };
  }
}
