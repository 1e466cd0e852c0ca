import DataLoader from "dataloader";
import { DataSource, EntityTarget, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { AccessScope } from "../common/auth";
import { Extra, manyOf } from "../common/pagination";
import { RANK_EXTRAS, withRank, scopeSeenAt } from "../findings";
import type { PriorityService } from "../priority";
import {
  ApiToken, BuildArtifact, CloudResource, Connector, Deployment, DevOpsOrganization, Environment, Finding, FindingRank, ImportRun, Pipeline, Project,
  Repository, Rule, SyncRun,
} from "../entities";

function byId<T extends ObjectLiteral & { id: string }>(ds: DataSource, entity: EntityTarget<T>, access: AccessScope, orgColumn: string | null,
  joined?: { join: (qb: SelectQueryBuilder<T>, alias: string) => SelectQueryBuilder<T>; extras: readonly Extra[] }): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    let qb = ds.getRepository(entity).createQueryBuilder("e").where("e.id = ANY(:ids::uuid[])", { ids: [...ids] });
    if (joined) qb = joined.join(qb, "e");
    if (orgColumn && access.organizationIds !== null) qb.andWhere(`e.${orgColumn} = ANY(:orgs::uuid[])`, { orgs: access.organizationIds });
    const rows = await manyOf(qb, joined?.extras);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }, { maxBatchSize: 1000 });
}

function groupBy<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>, access: AccessScope, key: keyof T & string, column: string, orderBy: string): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const qb = ds.getRepository(entity).createQueryBuilder("e").where(`e.${column} = ANY(:keys::uuid[])`, { keys: [...keys] }).orderBy(`e.${orderBy}`);
    if (access.organizationIds !== null) qb.andWhere("e.organization_id = ANY(:orgs::uuid[])", { orgs: access.organizationIds });
    const rows = await qb.getMany();
    const map = new Map<string, T[]>();
    for (const r of rows) {
      const k = r[key] as string;
      if (!map.has(k)) map.set(k, []);
      map.get(k)!.push(r);
    }
    return keys.map((k) => map.get(k) ?? []);
  }, { maxBatchSize: 1000 });
}

/**
 * Per-request loaders: every relation field resolves through one of these, so
 * a page of N objects costs one query per relation, not N. Each loader applies
 * the caller's organization limits, so relations cannot leak another tenant.
 */
export function createLoaders(ds: DataSource, access: AccessScope, services: { priority: PriorityService }) {
  return {
    organization: byId(ds, DevOpsOrganization, access, "id"),
    project: byId(ds, Project, access, "organization_id"),
    repository: byId(ds, Repository, access, "organization_id"),
    pipeline: byId(ds, Pipeline, access, "organization_id"),
    environment: byId(ds, Environment, access, "organization_id"),
    deployment: byId(ds, Deployment, access, "organization_id"),
    cloudResource: byId(ds, CloudResource, access, "organization_id"),
    finding: byId(ds, Finding, access, "organization_id", { join: (qb, alias) => withRank(qb, alias), extras: RANK_EXTRAS }),
    importRun: byId(ds, ImportRun, access, "organization_id"),
    // Rules are shared per tool, but a limited token sees only those its organizations' findings use.
    rule: new DataLoader<string, Rule | null>(async (ids) => {
      const qb = ds.getRepository(Rule).createQueryBuilder("e").where("e.id = ANY(:ids::uuid[])", { ids: [...ids] });
      if (access.organizationIds !== null) {
        qb.andWhere("EXISTS (SELECT 1 FROM finding f WHERE f.rule_ref_id = e.id AND f.organization_id = ANY(:orgs::uuid[]))", { orgs: access.organizationIds });
      }
      const map = new Map((await qb.getMany()).map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    connector: byId(ds, Connector, access, "organization_id"),
    syncRun: new DataLoader<string, SyncRun | null>(async (ids) => {
      const qb = ds.getRepository(SyncRun).createQueryBuilder("e").innerJoin(Connector, "k", "k.id = e.connector_id").where("e.id = ANY(:ids::uuid[])", { ids: [...ids] });
      if (access.organizationIds !== null) qb.andWhere("k.organization_id = ANY(:orgs::uuid[])", { orgs: access.organizationIds });
      const map = new Map((await qb.getMany()).map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    apiToken: byId(ds, ApiToken, access, null),
    pipelinesByRepository: groupBy(ds, Pipeline, access, "repositoryId", "repository_id", "name"),
    environmentsByRepository: groupBy(ds, Environment, access, "repositoryId", "repository_id", "name"),
    projectsByOrganization: groupBy(ds, Project, access, "organizationId", "organization_id", "name"),
    openFindingCountByRepository: new DataLoader<string, number>(async (ids) => {
      // On finding_rank: its (repository_id, state, …) index answers without reading a finding row.
      const qb = ds.getRepository(FindingRank).createQueryBuilder("f").select("f.repository_id", "rid").addSelect("count(*)::int", "n")
        .where("f.repository_id = ANY(:ids::uuid[])", { ids: [...ids] }).andWhere("f.state = 'OPEN'").groupBy("f.repository_id");
      if (access.organizationIds !== null) qb.andWhere("f.organization_id = ANY(:orgs::uuid[])", { orgs: access.organizationIds });
      const rows = await qb.getRawMany<{ rid: string; n: number }>();
      const map = new Map(rows.map((r) => [r.rid, r.n]));
      return ids.map((id) => map.get(id) ?? 0);
    }),
    /** Priority context of a repository: the resources its code reaches, as the strategy sees them. */
    priorityResources: new DataLoader<string, import("../priority").ResourceContext[]>(async (ids) => {
      const ctx = await services.priority.context(ds.manager, [...ids], []);
      return ids.map((id) => ctx.resources.get(id) ?? []);
    }),
    intelByCve: new DataLoader<string, import("../priority/priority.service").IntelRow | null>(async (cves) => {
      const ctx = await services.priority.context(ds.manager, [], [...cves]);
      return cves.map((c) => ctx.intel.get(c) ?? null);
    }),
    /** The latest sync run of each connector. */
    lastSyncRunByConnector: new DataLoader<string, SyncRun | null>(async (ids) => {
      const rows = await ds.getRepository(SyncRun).createQueryBuilder("s")
        .where("s.id IN (SELECT DISTINCT ON (connector_id) id FROM sync_run WHERE connector_id = ANY(:ids::uuid[]) ORDER BY connector_id, started_at DESC)", { ids: [...ids] })
        .getMany();
      const map = new Map(rows.map((r) => [r.connectorId, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    /** Cloud resources linked to a repository (IaC tags, deployments, images). */
    resourcesByRepository: new DataLoader<string, CloudResource[]>(async (ids) => {
      const qb = ds.getRepository(CloudResource).createQueryBuilder("c")
        .innerJoin("resource_link", "rl", "rl.resource_id = c.id")
        .addSelect("rl.repository_id", "link_repository_id")
        .where("rl.repository_id = ANY(:ids::uuid[])", { ids: [...ids] }).andWhere("c.gone_at IS NULL").orderBy("c.name");
      if (access.organizationIds !== null) qb.andWhere("(c.organization_id IS NULL OR c.organization_id = ANY(:orgs::uuid[]))", { orgs: access.organizationIds });
      const { entities, raw } = await qb.getRawAndEntities();
      const map = new Map<string, CloudResource[]>();
      raw.forEach((r: { link_repository_id: string; c_id: string }) => {
        const e = entities.find((x) => x.id === r.c_id);
        if (!e) return;
        const list = map.get(r.link_repository_id) ?? [];
        if (!list.some((x) => x.id === e.id)) list.push(e);
        map.set(r.link_repository_id, list);
      });
      return ids.map((id) => map.get(id) ?? []);
    }),
    /** Where a resource's code comes from: its links with evidence, most confident first. */
    sourcesByResource: new DataLoader<string, ResourceSourceRow[]>(async (ids) => {
      const params: unknown[] = [[...ids]];
      let orgCond = "";
      if (access.organizationIds !== null) { params.push(access.organizationIds); orgCond = "AND r.organization_id = ANY($2::uuid[])"; }
      const rows: ResourceSourceRow[] = await ds.query(
        `SELECT l.resource_id AS "resourceId", l.repository_id AS "repositoryId", l.environment_id AS "environmentId", l.kind, l.path,
                l.commit_sha AS "commit", l.evidence, l.confidence
           FROM resource_link l JOIN repository r ON r.id = l.repository_id
          WHERE l.resource_id = ANY($1::uuid[]) ${orgCond}
          ORDER BY l.confidence DESC, l.kind, r.full_name`, params);
      const map = new Map<string, ResourceSourceRow[]>();
      for (const r of rows) map.set(r.resourceId, [...(map.get(r.resourceId) ?? []), r]);
      return ids.map((id) => map.get(id) ?? []);
    }),
    buildArtifact: byId(ds, BuildArtifact, access, "organization_id"),
    /** Newest complete load per (repository, analysis category) (scopeKey), for lastSeenAt. Uncached: a subscription's context lives on. */
    scopeSeenAt: new DataLoader<string, Date | null>(async (keys) => {
      const map = await scopeSeenAt(ds, keys);
      return keys.map((k) => map.get(k) ?? null);
    }, { cache: false, maxBatchSize: 1000 }),
  };
}

export interface ResourceSourceRow {
  resourceId: string; repositoryId: string; environmentId: string | null; kind: string; path: string | null; commit: string | null; evidence: string; confidence: number;
}

export type Loaders = ReturnType<typeof createLoaders>;
