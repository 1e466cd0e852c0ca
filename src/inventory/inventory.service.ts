import { DataSource, EntityTarget, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { AccessScope } from "../common/auth";
import { tryId } from "../common/ids";
import { ConnectionResult, PageArgs, paginate, SortKey } from "../common/pagination";
import { CloudResource, Connector, DevOpsOrganization, ImportRun, Pipeline, Repository, SyncRun } from "../entities/index";
import { applyAccess } from "../db/access-scope";

export interface RepositoryListFilter { organization?: string[]; search?: string; archived?: boolean }
export interface PipelineListFilter { repository?: string[]; organization?: string[] }
export interface CloudResourceListFilter { internetExposed?: boolean; provider?: string[]; environment?: string[]; includeGone?: boolean }

function byName<T extends { name: string; id: string }>(alias: string, column = "name"): SortKey<T> {
  return { name: "NAME", column: `${alias}.${column}`, cast: "text", direction: "ASC", idColumn: `${alias}.id`, value: (r) => (r as unknown as Record<string, string>)[column === "full_name" ? "fullName" : "name"] };
}
function byStart<T extends { id: string; startedAt: Date }>(alias: string): SortKey<T> {
  return { name: "STARTED", column: `${alias}.started_at`, cast: "timestamptz", direction: "DESC", idColumn: `${alias}.id`, value: (r) => r.startedAt.toISOString() };
}
function orgIds(globalIds: string[] | undefined): string[] | undefined {
  return globalIds?.map((g) => tryId(g, "DevOpsOrganization")).filter((x): x is string => !!x);
}

/** Lists of the DevOps inventory, each narrowed to what the caller may see. */
export class InventoryService {
  constructor(private readonly ds: DataSource, private readonly maxPageSize: number) {}

  private qb<T extends ObjectLiteral>(entity: EntityTarget<T>, alias: string): SelectQueryBuilder<T> {
    return this.ds.getRepository(entity).createQueryBuilder(alias);
  }

  organizations(access: AccessScope, page: PageArgs): Promise<ConnectionResult<DevOpsOrganization>> {
    const qb = applyAccess(this.qb(DevOpsOrganization, "o"), access, "o.id");
    return paginate(qb, byName("o"), page, this.maxPageSize);
  }

  repositories(access: AccessScope, filter: RepositoryListFilter, page: PageArgs): Promise<ConnectionResult<Repository>> {
    const qb = applyAccess(this.qb(Repository, "r"), access, "r.organization_id");
    const orgs = orgIds(filter.organization);
    if (orgs) qb.andWhere("r.organization_id = ANY(:orgs::uuid[])", { orgs });
    if (filter.search) qb.andWhere("r.full_name ILIKE :search", { search: `%${filter.search.replace(/[\\%_]/g, "\\$&")}%` });
    if (filter.archived != null) qb.andWhere("r.archived = :archived", { archived: filter.archived });
    return paginate(qb, byName("r", "full_name"), page, this.maxPageSize);
  }

  async repositoryByFullName(access: AccessScope, fullName: string): Promise<Repository | null> {
    const qb = applyAccess(this.qb(Repository, "r"), access, "r.organization_id");
    return qb.andWhere("lower(r.full_name) = lower(:fullName)", { fullName }).getOne();
  }

  pipelines(access: AccessScope, filter: PipelineListFilter, page: PageArgs): Promise<ConnectionResult<Pipeline>> {
    const qb = applyAccess(this.qb(Pipeline, "p"), access, "p.organization_id");
    const orgs = orgIds(filter.organization);
    if (orgs) qb.andWhere("p.organization_id = ANY(:orgs::uuid[])", { orgs });
    if (filter.repository) {
      const repos = filter.repository.map((g) => tryId(g, "Repository")).filter((x): x is string => !!x);
      qb.andWhere("p.repository_id = ANY(:repos::uuid[])", { repos });
    }
    return paginate(qb, byName("p"), page, this.maxPageSize);
  }

  cloudResources(access: AccessScope, filter: CloudResourceListFilter, page: PageArgs): Promise<ConnectionResult<CloudResource>> {
    const qb = applyAccess(this.qb(CloudResource, "c"), access, "c.organization_id");
    if (!filter.includeGone) qb.andWhere("c.gone_at IS NULL");
    if (filter.internetExposed != null) qb.andWhere("c.internet_exposed = :ie", { ie: filter.internetExposed });
    if (filter.provider?.length) qb.andWhere("c.provider = ANY(:providers)", { providers: filter.provider });
    if (filter.environment?.length) qb.andWhere("c.environment = ANY(:envs)", { envs: filter.environment });
    return paginate(qb, byName("c"), page, this.maxPageSize);
  }

  /** Connectors are admin objects; an organization-limited token sees those of its organizations. */
  connectors(access: AccessScope, page: PageArgs): Promise<ConnectionResult<Connector>> {
    const qb = applyAccess(this.qb(Connector, "k"), access, "k.organization_id");
    return paginate(qb, { name: "NAME", column: "k.organization", cast: "text", direction: "ASC", idColumn: "k.id", value: (k) => k.organization }, page, this.maxPageSize);
  }

  syncRuns(access: AccessScope, connectorId: string | null, page: PageArgs): Promise<ConnectionResult<SyncRun>> {
    const qb = this.qb(SyncRun, "s").innerJoin(Connector, "k", "k.id = s.connector_id");
    applyAccess(qb, access, "k.organization_id");
    if (connectorId) qb.andWhere("s.connector_id = :cid", { cid: connectorId });
    return paginate(qb, byStart("s"), page, this.maxPageSize);
  }

  importRuns(access: AccessScope, repositoryId: string | null, page: PageArgs): Promise<ConnectionResult<ImportRun>> {
    const qb = applyAccess(this.qb(ImportRun, "i"), access, "i.organization_id");
    if (repositoryId) qb.andWhere("i.repository_id = :rid", { rid: repositoryId });
    return paginate(qb, byStart("i"), page, this.maxPageSize);
  }
}
