import { DataSource, EntityManager } from "typeorm";
import { AccessScope } from "../common/auth";
import { ForbiddenError, NotFoundError, UserInputError } from "../common/errors";
import { expectId } from "../common/ids";
import { CloudResourceRecord, IngestInputError } from "../formats";
import { BuildArtifact, EnvironmentMappingRule } from "../entities/index";
import { PriorityService } from "../priority";
import { relinkResources, repositoriesReaching } from "./resource-links";
import { ensureRepository, resolveRepository } from "../ingest";

export interface CloudUploadSummary {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  gone: number;
  linksAdded: number;
  linksRemoved: number;
  findingsRescored: number;
}

export interface UploadOptions { source?: string | null; complete?: boolean | null }

export interface BuildArtifactInput { repository: string; pipeline?: string | null; commit: string; imageName: string; imageDigest: string }

export interface MappingRuleInput {
  id?: string | null; environment?: string | null; environmentName?: string | null;
  tagKey?: string | null; tagValue?: string | null; resourceName?: string | null;
}

const SEP = "\u001f";

/** TypeORM answers UPDATE/DELETE … RETURNING with [rows, affected], everything else with rows. */
function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === "number" ? result[0] : result) as T[];
}

/**
 * Cloud inventory and code-to-cloud links. Every write is set-based and ends
 * by re-deriving the affected links and rescoring exactly the findings of the
 * repositories whose context changed, in the same transaction.
 */
export class CloudService {
  constructor(private readonly ds: DataSource, private readonly priority: PriorityService) {}

  async upsert(access: AccessScope, input: CloudResourceRecord[], opts: UploadOptions = {}): Promise<CloudUploadSummary> {
    const source = (opts.source ?? "api").trim() || "api";
    if (source.length > 100 || /\p{Cc}/u.test(source)) throw new UserInputError("source: at most 100 characters without control characters");
    const byKey = new Map<string, CloudResourceRecord>();
    for (const r of input) byKey.set(`${r.provider}${SEP}${r.externalId}`, r); // the last listing of a resource wins
    const records = [...byKey.values()];
    if (access.organizationIds !== null) {
      const only = access.organizationIds.length === 1 ? access.organizationIds[0] : null;
      for (const r of records) {
        r.organizationId ??= only;
        if (!r.organizationId || !access.organizationIds.includes(r.organizationId)) {
          throw new ForbiddenError(`${r.externalId}: this token may only write resources of its organizations (pass organization)`);
        }
      }
    }
    return this.ds.transaction(async (em) => {
      if (access.organizationIds !== null && records.length) {
        const foreign: { external_id: string }[] = await em.query(
          `SELECT c.external_id FROM cloud_resource c JOIN unnest($1::varchar[], $2::varchar[]) u(p, e) ON c.provider = u.p AND c.external_id = u.e
            WHERE c.organization_id IS NOT NULL AND NOT c.organization_id = ANY($3::uuid[]) LIMIT 1`,
          [records.map((r) => r.provider), records.map((r) => r.externalId), access.organizationIds]);
        if (foreign.length) throw new ForbiddenError(`${foreign[0].external_id}: belongs to an organization this token cannot write`);
      }
      const rows = records.length ? await this.write(em, records, source) : [];
      let gone: string[] = [];
      if (opts.complete) {
        const params: unknown[] = [source, records.map((r) => r.provider), records.map((r) => r.externalId)];
        let orgCond = "";
        if (access.organizationIds !== null) { params.push(access.organizationIds); orgCond = "AND c.organization_id = ANY($4::uuid[])"; }
        gone = rowsOf<{ id: string }>(await em.query(
          `UPDATE cloud_resource c SET gone_at = now(), updated_at = now()
            WHERE c.source = $1 AND c.gone_at IS NULL ${orgCond}
              AND NOT EXISTS (SELECT 1 FROM unnest($2::varchar[], $3::varchar[]) u(p, e) WHERE u.p = c.provider AND u.e = c.external_id)
           RETURNING c.id`, params)).map((r) => r.id);
      }
      const relink = rows.filter((r) => r.inserted || r.link_inputs_changed).map((r) => r.id);
      const links = await relinkResources(em, relink);
      const contextChanged = rows.filter((r) => !r.inserted && r.context_changed).map((r) => r.id);
      const repos = new Set([...links.repositoryIds, ...(await repositoriesReaching(em, [...contextChanged, ...gone]))]);
      const rescored = await this.priority.recompute(em, { repositoryIds: [...repos] });
      const created = rows.filter((r) => r.inserted).length;
      return {
        received: input.length, created, updated: rows.length - created, unchanged: records.length - rows.length, gone: gone.length,
        linksAdded: links.added, linksRemoved: links.removed, findingsRescored: rescored.scanned,
      };
    });
  }

  /** One INSERT … SELECT FROM unnest … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM; returns the rows it changed. */
  private async write(em: EntityManager, records: CloudResourceRecord[], source: string): Promise<{ id: string; inserted: boolean; context_changed: boolean; link_inputs_changed: boolean }[]> {
    const col = <T>(f: (r: CloudResourceRecord) => T) => records.map(f);
    return em.query(
      `WITH u AS (
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::text[], $7::boolean[], $8::boolean[],
                              $9::varchar[], $10::varchar[], $11::text[], $12::uuid[])
                AS u(provider, type, external_id, name, region, tags, internet_exposed, sensitive_data, environment, criticality, digests, organization_id)),
       w AS (
         INSERT INTO cloud_resource AS c (provider, type, external_id, name, region, tags, internet_exposed, sensitive_data, environment, criticality,
                                          image_digests, organization_id, source, gone_at)
         SELECT provider, type, external_id, name, region, tags::jsonb, internet_exposed, sensitive_data, environment, criticality,
                CASE WHEN digests = '' THEN '{}'::text[] ELSE string_to_array(digests, chr(31)) END, organization_id, $13, NULL FROM u
         ON CONFLICT (provider, external_id) DO UPDATE SET
           type = EXCLUDED.type, name = EXCLUDED.name, region = EXCLUDED.region, tags = EXCLUDED.tags, internet_exposed = EXCLUDED.internet_exposed,
           sensitive_data = EXCLUDED.sensitive_data, environment = EXCLUDED.environment, criticality = EXCLUDED.criticality,
           image_digests = EXCLUDED.image_digests, organization_id = coalesce(EXCLUDED.organization_id, c.organization_id),
           source = EXCLUDED.source, gone_at = NULL, updated_at = now()
         WHERE (c.type, c.name, c.region, c.tags, c.internet_exposed, c.sensitive_data, c.environment, c.criticality, c.image_digests, c.source, c.gone_at,
                coalesce(EXCLUDED.organization_id, c.organization_id))
               IS DISTINCT FROM (EXCLUDED.type, EXCLUDED.name, EXCLUDED.region, EXCLUDED.tags, EXCLUDED.internet_exposed, EXCLUDED.sensitive_data,
                EXCLUDED.environment, EXCLUDED.criticality, EXCLUDED.image_digests, EXCLUDED.source, NULL::timestamptz, c.organization_id)
         RETURNING c.id, c.provider, c.external_id, (xmax = 0) AS inserted, c.internet_exposed, c.sensitive_data, c.environment, c.criticality, c.tags, c.image_digests)
       -- The outer query reads cloud_resource as of before the statement: old values to compare with.
       SELECT w.id, w.inserted,
              (o.internet_exposed, o.sensitive_data, o.environment, o.criticality, o.gone_at)
                IS DISTINCT FROM (w.internet_exposed, w.sensitive_data, w.environment, w.criticality, NULL::timestamptz) AS context_changed,
              (o.tags, o.image_digests, o.gone_at) IS DISTINCT FROM (w.tags, w.image_digests, NULL::timestamptz) AS link_inputs_changed
         FROM w LEFT JOIN cloud_resource o ON o.provider = w.provider AND o.external_id = w.external_id`,
      [col((r) => r.provider), col((r) => r.type), col((r) => r.externalId), col((r) => r.name), col((r) => r.region), col((r) => JSON.stringify(r.tags)),
        col((r) => r.internetExposed), col((r) => r.sensitiveData), col((r) => r.environment), col((r) => r.criticality),
        col((r) => r.imageDigests.join(SEP)), col((r) => r.organizationId), source]);
  }

  /** Records a pushed image; resources running its digest link to the repository and commit. */
  async recordBuildArtifact(access: AccessScope, input: BuildArtifactInput): Promise<BuildArtifact> {
    const digest = input.imageDigest.trim().toLowerCase();
    if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/.test(digest)) throw new UserInputError("imageDigest: must be a digest such as sha256:<hex>");
    if (!input.commit.trim() || input.commit.length > 200) throw new UserInputError("commit: required, at most 200 characters");
    if (!input.imageName.trim() || input.imageName.length > 500) throw new UserInputError("imageName: required, at most 500 characters");
    let target;
    try { target = await resolveRepository(this.ds, access, input.repository); } catch (err) {
      if (err instanceof IngestInputError) throw new UserInputError(err.message);
      throw err;
    }
    const pipelineId = input.pipeline ? expectId(input.pipeline, "Pipeline", "pipeline") : null;
    return this.ds.transaction(async (em) => {
      // A pipeline may record its image before any scan result arrived: the repository is created as an upload would.
      const repo = await ensureRepository(em, target);
      if (pipelineId) {
        const [p] = await em.query(`SELECT 1 FROM pipeline WHERE id = $1 AND repository_id = $2`, [pipelineId, repo.id]);
        if (!p) throw new UserInputError("pipeline: not a pipeline of that repository");
      }
      const [row] = await em.query(
        `INSERT INTO build_artifact (organization_id, repository_id, pipeline_id, commit_sha, image_name, image_digest) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (repository_id, image_digest) DO UPDATE SET pipeline_id = coalesce(EXCLUDED.pipeline_id, build_artifact.pipeline_id),
           commit_sha = EXCLUDED.commit_sha, image_name = EXCLUDED.image_name, updated_at = now()
         RETURNING id`, [repo.organizationId, repo.id, pipelineId, input.commit.trim(), input.imageName.trim(), digest]);
      const resources: { id: string }[] = await em.query(`SELECT id FROM cloud_resource WHERE $1 = ANY(image_digests)`, [digest]);
      await this.relinkAndRescore(em, resources.map((r) => r.id));
      return em.getRepository(BuildArtifact).findOneByOrFail({ id: row.id });
    });
  }

  /** Replaces the explicit resources of an environment. */
  async setEnvironmentResources(access: AccessScope, environmentGlobalId: string, resourceGlobalIds: string[]): Promise<string> {
    const environmentId = expectId(environmentGlobalId, "Environment", "environment");
    const resourceIds = [...new Set(resourceGlobalIds.map((g, i) => expectId(g, "CloudResource", `resources[${i}]`)))];
    return this.ds.transaction(async (em) => {
      const [env] = await em.query(`SELECT id, organization_id FROM environment WHERE id = $1`, [environmentId]);
      if (!env || (access.organizationIds !== null && !access.organizationIds.includes(env.organization_id))) throw new NotFoundError("environment not found");
      const found: { id: string }[] = await em.query(`SELECT id FROM cloud_resource WHERE id = ANY($1::uuid[])`, [resourceIds]);
      if (found.length !== resourceIds.length) throw new UserInputError("resources: unknown cloud resource ID");
      const old = rowsOf<{ resource_id: string }>(await em.query(`DELETE FROM environment_resource WHERE environment_id = $1 RETURNING resource_id`, [environmentId]));
      await em.query(`INSERT INTO environment_resource (environment_id, resource_id) SELECT $1, unnest($2::uuid[])`, [environmentId, resourceIds]);
      await this.relinkAndRescore(em, [...new Set([...old.map((o) => o.resource_id), ...resourceIds])]);
      return environmentId;
    });
  }

  async upsertMappingRule(access: AccessScope, input: MappingRuleInput): Promise<EnvironmentMappingRule> {
    const environmentId = input.environment ? expectId(input.environment, "Environment", "environment") : null;
    const clean = (v: string | null | undefined, name: string) => {
      if (v == null || v === "") return null;
      if (v.length > 500 || /\p{Cc}/u.test(v)) throw new UserInputError(`${name}: at most 500 characters without control characters`);
      return v;
    };
    const environmentName = environmentId ? null : clean(input.environmentName, "environmentName");
    const tagKey = clean(input.tagKey, "tagKey"), tagValue = clean(input.tagValue, "tagValue"), resourceName = clean(input.resourceName, "resourceName");
    if (!environmentId && !environmentName) throw new UserInputError("environment or environmentName is required");
    if (!tagKey && !resourceName) throw new UserInputError("tagKey or resourceName is required (a rule must select resources)");
    if (tagValue && !tagKey) throw new UserInputError("tagValue needs tagKey");
    return this.ds.transaction(async (em) => {
      let organizationId: string | null = null;
      if (environmentId) {
        const [env] = await em.query(`SELECT organization_id FROM environment WHERE id = $1`, [environmentId]);
        if (!env || (access.organizationIds !== null && !access.organizationIds.includes(env.organization_id))) throw new NotFoundError("environment not found");
        organizationId = env.organization_id;
      } else if (access.organizationIds !== null) {
        if (access.organizationIds.length !== 1) throw new UserInputError("an organization-limited token with several organizations must name an environment ID");
        organizationId = access.organizationIds[0];
      }
      const repo = em.getRepository(EnvironmentMappingRule);
      let rule: EnvironmentMappingRule;
      if (input.id) {
        const id = expectId(input.id, "EnvironmentMappingRule", "id");
        const existing = await repo.findOneBy({ id });
        if (!existing || (access.organizationIds !== null && !access.organizationIds.includes(existing.organizationId ?? ""))) throw new NotFoundError("rule not found");
        rule = repo.merge(existing, { environmentId, environmentName, tagKey, tagValue, resourceName, organizationId });
      } else {
        rule = repo.create({ environmentId, environmentName, tagKey, tagValue, resourceName, organizationId });
      }
      rule = await repo.save(rule);
      await this.relinkAndRescore(em, null);
      return rule;
    });
  }

  async deleteMappingRule(access: AccessScope, globalId: string): Promise<boolean> {
    const id = expectId(globalId, "EnvironmentMappingRule", "id");
    return this.ds.transaction(async (em) => {
      const params: unknown[] = [id];
      const orgCond = access.organizationIds !== null ? (params.push(access.organizationIds), "AND organization_id = ANY($2::uuid[])") : "";
      const rows = rowsOf(await em.query(`DELETE FROM environment_mapping_rule WHERE id = $1 ${orgCond} RETURNING id`, params));
      if (!rows.length) throw new NotFoundError("rule not found");
      await this.relinkAndRescore(em, null);
      return true;
    });
  }

  mappingRules(access: AccessScope): Promise<EnvironmentMappingRule[]> {
    const qb = this.ds.getRepository(EnvironmentMappingRule).createQueryBuilder("m").orderBy("m.created_at");
    if (access.organizationIds !== null) qb.where("(m.organization_id IS NULL OR m.organization_id = ANY(:orgs::uuid[]))", { orgs: access.organizationIds });
    return qb.getMany();
  }

  /**
   * Re-derives links (of these resources, or all) and rescores the findings of
   * every repository that gained or lost one. Connectors call this after
   * loading deployments or environments.
   */
  async relinkAndRescore(em: EntityManager, resourceIds: string[] | null): Promise<{ repositoryIds: string[]; rescored: number }> {
    const links = await relinkResources(em, resourceIds);
    const r = await this.priority.recompute(em, { repositoryIds: links.repositoryIds });
    return { repositoryIds: links.repositoryIds, rescored: r.scanned };
  }
}
