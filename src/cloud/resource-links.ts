import { EntityManager } from "typeorm";

/**
 * Code-to-cloud link derivation, set-based: one statement computes the links
 * the evidence supports for a set of resources (or all), and writes only the
 * difference to resource_link (rows with derived_by = 'derive'; links written
 * by others are never touched). Returns the repositories whose links appeared
 * or disappeared: exactly the findings whose priority context changed.
 *
 * Evidence and confidence:
 * - "iac-tag": yor tags git_org + git_repo name the repository (`org/repo`; on
 *   Azure DevOps also `org/<any project>/repo` when the project is not named):
 *   0.9 exact, 0.8 by the Azure DevOps wildcard, 0.5 when that wildcard is ambiguous.
 * - "image-digest": the resource runs a digest a pipeline recorded building (0.95).
 * - "deployment" / "environment": an environment mapped to the resource
 *   (explicitly 1.0, by a rule 0.8) that a repository deployed to (with the
 *   latest successful deployment's commit) or that belongs to a repository.
 */
const desired = (): string => `
  scope AS (SELECT c.id, c.name, c.tags, c.image_digests FROM cloud_resource c WHERE $1::uuid[] IS NULL OR c.id = ANY($1::uuid[])),
  yor AS (
    SELECT s.id, s.tags, lower(s.tags->>'git_org') AS org, lower(s.tags->>'git_repo') AS repo FROM scope s
     WHERE s.tags ? 'git_org' AND s.tags ? 'git_repo'),
  iac_exact AS (
    SELECT y.id AS resource_id, r.id AS repository_id, y.tags, 0.9::real AS confidence
      FROM yor y JOIN repository r ON lower(r.full_name) = y.org || '/' || y.repo AND r.gone_at IS NULL),
  iac_wild AS (
    SELECT y.id AS resource_id, r.id AS repository_id, y.tags,
           CASE WHEN count(*) OVER (PARTITION BY y.id) = 1 THEN 0.8 ELSE 0.5 END::real AS confidence
      FROM yor y JOIN repository r ON split_part(lower(r.full_name), '/', 1) = y.org AND lower(r.name) = y.repo
                                  AND r.full_name LIKE '%/%/%' AND y.repo NOT LIKE '%/%' AND r.gone_at IS NULL
     WHERE NOT EXISTS (SELECT 1 FROM iac_exact x WHERE x.resource_id = y.id)),
  iac AS (
    SELECT resource_id, 'iac-tag'::varchar AS kind, repository_id, NULL::uuid AS environment_id,
           (tags->>'git_file')::varchar AS path, (tags->>'git_commit')::varchar AS commit_sha,
           concat_ws(' ', 'yor tags git_org=' || (tags->>'git_org'), 'git_repo=' || (tags->>'git_repo'), 'git_file=' || (tags->>'git_file'),
                     'git_commit=' || (tags->>'git_commit'), 'yor_trace=' || (tags->>'yor_trace'))::varchar AS evidence, confidence
      FROM (SELECT * FROM iac_exact UNION ALL SELECT * FROM iac_wild) i),
  img AS (
    SELECT DISTINCT ON (s.id, b.repository_id) s.id AS resource_id, 'image-digest'::varchar AS kind, b.repository_id, NULL::uuid AS environment_id,
           NULL::varchar AS path, b.commit_sha,
           ('runs image ' || b.image_name || '@' || b.image_digest || ' built from ' || b.commit_sha)::varchar AS evidence, 0.95::real AS confidence
      FROM scope s JOIN build_artifact b ON b.image_digest = ANY(s.image_digests)
     ORDER BY s.id, b.repository_id, b.updated_at DESC),
  pairs AS (
    SELECT er.environment_id, er.resource_id, 'explicit mapping'::text AS why, 1.0::real AS confidence
      FROM environment_resource er JOIN scope s ON s.id = er.resource_id
    UNION ALL
    SELECT e.id, s.id, 'mapping rule ' || concat_ws(', ',
             'environment ' || coalesce(m.environment_name, e.name), 'tag ' || m.tag_key || coalesce('=' || m.tag_value, ''), 'name ' || m.resource_name), 0.8::real
      FROM environment_mapping_rule m
      JOIN environment e ON (m.environment_id = e.id OR (m.environment_id IS NULL AND e.name ILIKE ${glob("m.environment_name", null, null)}))
      LEFT JOIN repository er ON er.id = e.repository_id
      JOIN scope s ON (m.tag_key IS NULL OR (s.tags ? m.tag_key AND (m.tag_value IS NULL OR s.tags->>m.tag_key ILIKE ${glob("m.tag_value", "er.name", "e.name")})))
                  AND (m.resource_name IS NULL OR s.name ILIKE ${glob("m.resource_name", "er.name", "e.name")})
     WHERE m.organization_id IS NULL OR m.organization_id = e.organization_id),
  pair AS (SELECT DISTINCT ON (environment_id, resource_id) * FROM pairs ORDER BY environment_id, resource_id, confidence DESC),
  env AS (
    SELECT DISTINCT ON (p.resource_id, x.repository_id, p.environment_id) p.resource_id, x.kind::varchar AS kind, x.repository_id, p.environment_id,
           NULL::varchar AS path, x.commit_sha::varchar AS commit_sha,
           (CASE x.kind WHEN 'deployment' THEN 'deployment of ' || left(x.commit_sha, 7) || ' to ' || e.name ELSE 'environment ' || e.name || ' of the repository' END
             || ' (' || p.why || ')')::varchar AS evidence, p.confidence
      FROM pair p JOIN environment e ON e.id = p.environment_id
      JOIN LATERAL (
        SELECT d.repository_id, coalesce(d.commit_sha, '') AS commit_sha, 'deployment' AS kind, d.deployed_at AS at FROM deployment d
         WHERE d.environment_id = p.environment_id AND d.repository_id IS NOT NULL
           AND upper(d.state) NOT IN ('FAILURE', 'FAILED', 'ERROR', 'CANCELED', 'CANCELLED')
        UNION ALL
        SELECT e.repository_id, NULL, 'environment', '-infinity'::timestamptz WHERE e.repository_id IS NOT NULL) x ON true
     ORDER BY p.resource_id, x.repository_id, p.environment_id, x.at DESC),
  desired AS (SELECT * FROM iac UNION ALL SELECT * FROM img UNION ALL SELECT * FROM env)`;

/** SQL escaping a value for LIKE. */
const likeEscape = (x: string): string => `replace(replace(replace(${x}, '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;
/** SQL turning a glob (`*`, `?`, `{repository}`, `{environment}`) into an ILIKE pattern; substituted names are escaped. */
function glob(p: string, repo: string | null, env: string | null): string {
  let sql = `replace(replace(${likeEscape(p)}, '*', '%'), '?', '_')`;
  if (repo) sql = `replace(${sql}, '{repository}', coalesce(${likeEscape(repo)}, '{repository}'))`;
  if (env) sql = `replace(${sql}, '{environment}', coalesce(${likeEscape(env)}, '{environment}'))`;
  return sql;
}

export async function relinkResources(em: EntityManager, resourceIds: string[] | null): Promise<{ repositoryIds: string[]; added: number; removed: number }> {
  if (resourceIds && !resourceIds.length) return { repositoryIds: [], added: 0, removed: 0 };
  const rows: { repository_id: string | null; op: string }[] = await em.query(`
    WITH ${desired()},
    del AS (
      DELETE FROM resource_link l
       WHERE l.derived_by = 'derive' AND ($1::uuid[] IS NULL OR l.resource_id = ANY($1::uuid[]))
         AND NOT EXISTS (SELECT 1 FROM desired d WHERE d.resource_id = l.resource_id AND d.kind = l.kind
                           AND d.repository_id IS NOT DISTINCT FROM l.repository_id AND d.environment_id IS NOT DISTINCT FROM l.environment_id)
      RETURNING l.repository_id),
    upd AS (
      UPDATE resource_link l SET path = d.path, commit_sha = d.commit_sha, evidence = d.evidence, confidence = d.confidence
        FROM desired d
       WHERE l.derived_by = 'derive' AND d.resource_id = l.resource_id AND d.kind = l.kind
         AND d.repository_id IS NOT DISTINCT FROM l.repository_id AND d.environment_id IS NOT DISTINCT FROM l.environment_id
         AND (l.path, l.commit_sha, l.evidence, l.confidence) IS DISTINCT FROM (d.path, d.commit_sha, d.evidence, d.confidence)
      RETURNING l.repository_id),
    ins AS (
      INSERT INTO resource_link (resource_id, kind, repository_id, environment_id, path, commit_sha, evidence, confidence, derived_by)
      SELECT d.resource_id, d.kind, d.repository_id, d.environment_id, d.path, d.commit_sha, d.evidence, d.confidence, 'derive' FROM desired d
       WHERE NOT EXISTS (SELECT 1 FROM resource_link l WHERE d.resource_id = l.resource_id AND d.kind = l.kind
                           AND d.repository_id IS NOT DISTINCT FROM l.repository_id AND d.environment_id IS NOT DISTINCT FROM l.environment_id)
      RETURNING repository_id),
    own AS (
      -- A resource uploaded without an organization belongs to the organization of the code that reaches it.
      UPDATE cloud_resource c SET organization_id = r.organization_id
        FROM (SELECT DISTINCT ON (d.resource_id) d.resource_id, r.organization_id FROM desired d JOIN repository r ON r.id = d.repository_id
               ORDER BY d.resource_id, d.confidence DESC, r.organization_id) r
       WHERE c.id = r.resource_id AND c.organization_id IS NULL
      RETURNING c.id)
    SELECT repository_id, 'del' AS op FROM del UNION ALL SELECT repository_id, 'ins' FROM ins
    UNION ALL SELECT NULL, 'upd' FROM upd UNION ALL SELECT NULL, 'own' FROM own`, [resourceIds]);
  const repos = new Set<string>();
  let added = 0, removed = 0;
  for (const r of rows) {
    if (r.op === "ins") added++;
    if (r.op === "del") removed++;
    if ((r.op === "ins" || r.op === "del") && r.repository_id) repos.add(r.repository_id);
  }
  return { repositoryIds: [...repos], added, removed };
}

/** Repositories whose code reaches any of these resources (by any link). */
export async function repositoriesReaching(em: EntityManager, resourceIds: string[]): Promise<string[]> {
  if (!resourceIds.length) return [];
  const rows: { repository_id: string }[] = await em.query(
    `SELECT DISTINCT repository_id FROM resource_link WHERE resource_id = ANY($1::uuid[]) AND repository_id IS NOT NULL`, [resourceIds]);
  return rows.map((r) => r.repository_id);
}
