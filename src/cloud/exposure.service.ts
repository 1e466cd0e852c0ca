import { DataSource } from "typeorm";
import { AccessScope } from "../common/auth";
import { UserInputError } from "../common/errors";
import { tryId } from "../common/ids";
import { ConnectionResult, PageArgs, pageSize } from "../common/pagination";

export interface ExposurePathFilterInput { severity?: string[]; category?: string[]; minScore?: number; organization?: string[] }

export interface ExposurePathRow {
  key: string;
  repositoryId: string;
  pipelineId: string | null;
  environmentId: string | null;
  resourceId: string;
  via: string[];
  evidence: string[];
  commit: string | null;
  confidence: number;
  maxScore: number;
  openFindings: { critical: number; high: number; medium: number; low: number; info: number; total: number };
  topFindingIds: string[];
}

const TOP = 5;

/**
 * Attack-surface chains: repository → pipeline → environment → resource for
 * every repository whose code reaches an internet-exposed (and not gone)
 * resource, with that repository's open findings matching the filter. One SQL
 * statement per page (plus one for totalCount); relations resolve through the
 * per-request loaders. Ordered by the most urgent finding on the path.
 */
export class ExposureService {
  constructor(private readonly ds: DataSource, private readonly maxPageSize: number) {}

  private sql(access: AccessScope, filter: ExposurePathFilterInput, params: unknown[]): string {
    const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
    const repoConds: string[] = [];
    if (access.organizationIds !== null) repoConds.push(`r.organization_id = ANY(${p(access.organizationIds)}::uuid[])`);
    if (filter.organization?.length) {
      const orgs = filter.organization.map((g) => tryId(g, "DevOpsOrganization")).filter((x): x is string => !!x);
      repoConds.push(`r.organization_id = ANY(${p(orgs)}::uuid[])`);
    }
    const findingConds = ["f.state = 'OPEN'"];
    if (filter.severity?.length) findingConds.push(`f.severity = ANY(${p(filter.severity)}::varchar[])`);
    if (filter.category?.length) findingConds.push(`f.category = ANY(${p(filter.category)}::varchar[])`);
    if (filter.minScore != null) findingConds.push(`f.priority_score >= ${p(filter.minScore)}::int`);
    return `
      WITH links AS (
        SELECT l.repository_id, l.resource_id, l.environment_id, l.kind, l.commit_sha, l.confidence, l.evidence
          FROM resource_link l
          JOIN cloud_resource c ON c.id = l.resource_id AND c.internet_exposed AND c.gone_at IS NULL
          JOIN repository r ON r.id = l.repository_id AND r.gone_at IS NULL
         ${repoConds.length ? `WHERE ${repoConds.join(" AND ")}` : ""}),
      paths AS (
        SELECT repository_id, resource_id,
               (array_agg(environment_id ORDER BY environment_id IS NULL, confidence DESC))[1] AS environment_id,
               array_agg(DISTINCT kind) AS via,
               array_agg(evidence ORDER BY confidence DESC, kind) AS evidence,
               (array_agg(commit_sha ORDER BY environment_id IS NULL, confidence DESC) FILTER (WHERE commit_sha IS NOT NULL))[1] AS commit_sha,
               max(confidence) AS confidence
          FROM links GROUP BY repository_id, resource_id),
      fs AS (
        SELECT f.repository_id, max(f.priority_score)::int AS max_score, count(*)::int AS total,
               count(*) FILTER (WHERE f.severity = 'CRITICAL')::int AS critical, count(*) FILTER (WHERE f.severity = 'HIGH')::int AS high,
               count(*) FILTER (WHERE f.severity = 'MEDIUM')::int AS medium, count(*) FILTER (WHERE f.severity = 'LOW')::int AS low,
               count(*) FILTER (WHERE f.severity = 'INFO')::int AS info,
               (array_agg(f.finding_id ORDER BY f.priority_score DESC, f.finding_id))[1:${TOP}] AS top
          FROM finding_rank f
         WHERE ${findingConds.join(" AND ")} AND f.repository_id IN (SELECT repository_id FROM paths)
         GROUP BY f.repository_id),
      out AS (
        SELECT p.*, fs.max_score, fs.total, fs.critical, fs.high, fs.medium, fs.low, fs.info, fs.top,
               coalesce(dp.pipeline_id, bp.pipeline_id) AS pipeline_id,
               p.repository_id::text || '/' || p.resource_id::text AS key
          FROM paths p JOIN fs USING (repository_id)
          LEFT JOIN LATERAL (
            SELECT d.pipeline_id FROM deployment d
             WHERE d.environment_id = p.environment_id AND d.repository_id = p.repository_id AND d.pipeline_id IS NOT NULL
             ORDER BY d.deployed_at DESC LIMIT 1) dp ON true
          LEFT JOIN LATERAL (
            SELECT b.pipeline_id FROM build_artifact b JOIN cloud_resource c ON c.id = p.resource_id AND b.image_digest = ANY(c.image_digests)
             WHERE b.repository_id = p.repository_id AND b.pipeline_id IS NOT NULL
             ORDER BY b.updated_at DESC LIMIT 1) bp ON true)`;
  }

  async list(access: AccessScope, filter: ExposurePathFilterInput, page: PageArgs): Promise<ConnectionResult<ExposurePathRow>> {
    if (page.last != null || page.before != null) throw new UserInputError("exposurePaths pages forward only: use first/after");
    const { size } = pageSize(page, this.maxPageSize);
    const params: unknown[] = [];
    const base = this.sql(access, filter, params);
    let where = "";
    if (page.after) {
      const c = decode(page.after);
      params.push(c.s, c.k);
      where = `WHERE (max_score, key) < ($${params.length - 1}::int, $${params.length}::text)`;
    }
    params.push(size + 1);
    const rows: Record<string, any>[] = await this.ds.query(`${base} SELECT * FROM out ${where} ORDER BY max_score DESC, key DESC LIMIT $${params.length}`, params);
    const items = rows.slice(0, size).map(toRow);
    const edges = items.map((n) => ({ cursor: encode(n.maxScore, n.key), node: n }));
    return new ConnectionResult(edges, {
      hasNextPage: rows.length > size, hasPreviousPage: !!page.after,
      startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null,
    }, async () => {
      const countParams: unknown[] = [];
      const [{ n }] = await this.ds.query(`${this.sql(access, filter, countParams)} SELECT count(*)::int AS n FROM out`, countParams);
      return n;
    });
  }
}

function toRow(r: Record<string, any>): ExposurePathRow {
  return {
    key: r.key, repositoryId: r.repository_id, pipelineId: r.pipeline_id, environmentId: r.environment_id, resourceId: r.resource_id,
    via: [...r.via].sort(), evidence: r.evidence, commit: r.commit_sha, confidence: r.confidence, maxScore: r.max_score,
    openFindings: { critical: r.critical, high: r.high, medium: r.medium, low: r.low, info: r.info, total: r.total }, topFindingIds: r.top,
  };
}

function encode(s: number, k: string): string {
  return Buffer.from(JSON.stringify({ k: "EXPOSURE", s, p: k })).toString("base64url");
}

function decode(cursor: string): { s: number; k: string } {
  try {
    const d = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (d?.k === "EXPOSURE" && Number.isInteger(d.s) && typeof d.p === "string" && d.p.length < 200) return { s: d.s, k: d.p };
  } catch { /* fall through */ }
  throw new UserInputError("after: not an exposurePaths cursor");
}
