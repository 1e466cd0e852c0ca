import type { EntityManager } from "typeorm";
import type { ConnectorProvider } from "../../common/types";
import type { EnvironmentLoad, InventoryPipeline, InventoryRepository } from "./inventory.types";

/**
 * load + cleanup for every connector's inventory: set-based upserts (one
 * parameter per column, unnest), every row stamped with the sync run that saw
 * it and with its source ("github", "azure-devops"), so cleanup touches only
 * what that source synced.
 */

/** The organization row; returns its id. */
export async function upsertOrganization(em: EntityManager, provider: ConnectorProvider, name: string, url: string, externalId: string): Promise<string> {
  const rows: { id: string }[] = await em.query(
    `INSERT INTO devops_organization (name, provider, url, external_id) VALUES ($1, $4, $2, $3)
     ON CONFLICT (provider, name) DO UPDATE SET url = EXCLUDED.url, external_id = EXCLUDED.external_id
     RETURNING id`, [name, url, externalId, provider]);
  return rows[0].id;
}

/** Projects (Azure DevOps): name → id. */
export async function upsertProjects(em: EntityManager, orgId: string, projects: { name: string; url: string | null; externalId: string }[]): Promise<Map<string, string>> {
  if (!projects.length) return new Map();
  const rows: { id: string; name: string }[] = await em.query(
    `INSERT INTO project (organization_id, name, url, external_id)
     SELECT $1, v.name, v.url, v.ext FROM unnest($2::text[], $3::text[], $4::text[]) AS v(name, url, ext)
     ON CONFLICT (organization_id, name) DO UPDATE SET url = EXCLUDED.url, external_id = EXCLUDED.external_id
     RETURNING id, name`, [orgId, projects.map((p) => p.name), projects.map((p) => p.url), projects.map((p) => p.externalId)]);
  return new Map(rows.map((r) => [r.name, r.id]));
}

export async function mergeOrganizationSettings(em: EntityManager, orgId: string, patch: Record<string, unknown>): Promise<void> {
  await em.query(`UPDATE devops_organization SET settings = settings || $2::jsonb WHERE id = $1`, [orgId, JSON.stringify(patch)]);
}

/**
 * Repositories of the organization. A row with the same full name created by a
 * SARIF upload (GENERIC organization) is adopted, not duplicated: it moves to
 * the synced organization together with its findings, events, pipelines and
 * environments. A rename at the source (same external id) renames the row.
 * Returns node id → repository id.
 */
export async function upsertRepositories(em: EntityManager, source: string, orgId: string, runId: string, repos: InventoryRepository[]): Promise<Map<string, string>> {
  if (!repos.length) return new Map();
  const ext = repos.map((r) => r.externalId);
  const full = repos.map((r) => r.fullName);
  // Renames: same external id, new name (unless the new name is already taken).
  await em.query(
    `UPDATE repository r SET full_name = v.full_name, name = v.name
     FROM unnest($2::text[], $3::text[], $4::text[]) v(ext, full_name, name)
     WHERE r.organization_id = $1 AND r.external_id = v.ext AND r.full_name <> v.full_name
       AND NOT EXISTS (SELECT 1 FROM repository o WHERE o.full_name = v.full_name)`, [orgId, ext, full, repos.map((r) => r.name)]);
  // Adoption: same full name (any case) under another organization.
  const moved = returned<{ id: string }>(await em.query(
    `WITH m AS (
       SELECT r.id, v.full_name FROM repository r JOIN unnest($2::text[]) v(full_name) ON lower(r.full_name) = lower(v.full_name)
       JOIN devops_organization o ON o.id = r.organization_id
       WHERE r.organization_id <> $1 AND o.provider = 'GENERIC'
     )
     UPDATE repository r SET organization_id = $1, full_name = m.full_name FROM m WHERE r.id = m.id RETURNING r.id`, [orgId, full]));
  if (moved.length) {
    const ids = moved.map((m) => m.id);
    for (const table of ["finding", "finding_event", "pipeline", "environment", "deployment", "import_run"]) {
      await em.query(`UPDATE ${table} SET organization_id = $1 WHERE repository_id = ANY($2::uuid[]) AND organization_id <> $1`, [orgId, ids]);
    }
  }
  const rows: { id: string; external_id: string }[] = await em.query(
    `INSERT INTO repository (organization_id, name, full_name, visibility, default_branch, archived, fork, url, pushed_at, external_id, source, last_sync_run_id, settings, gone_at, project_id)
     SELECT $1, v.name, v.full_name, v.visibility, v.default_branch, v.archived, v.fork, v.url, v.pushed_at, v.ext, $13, $2, v.settings, NULL, v.project
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::bool[], $9::text[], $10::timestamptz[], $11::text[], $12::jsonb[], $14::uuid[])
       AS v(name, full_name, visibility, default_branch, archived, fork, url, pushed_at, ext, settings, project)
     ON CONFLICT (full_name) DO UPDATE SET
       organization_id = EXCLUDED.organization_id, name = EXCLUDED.name, visibility = EXCLUDED.visibility,
       default_branch = EXCLUDED.default_branch, archived = EXCLUDED.archived, fork = EXCLUDED.fork, url = EXCLUDED.url,
       pushed_at = EXCLUDED.pushed_at, external_id = EXCLUDED.external_id, source = EXCLUDED.source, last_sync_run_id = EXCLUDED.last_sync_run_id,
       settings = repository.settings || EXCLUDED.settings, gone_at = NULL, updated_at = now(), project_id = COALESCE(EXCLUDED.project_id, repository.project_id)
     WHERE repository.organization_id = EXCLUDED.organization_id
     RETURNING id, external_id`,
    [orgId, runId, repos.map((r) => r.name), full, repos.map((r) => r.visibility), repos.map((r) => r.defaultBranch),
      repos.map((r) => r.archived), repos.map((r) => r.fork), repos.map((r) => r.url), repos.map((r) => r.pushedAt?.toISOString() ?? null),
      ext, repos.map((r) => JSON.stringify(r.settings)), source, repos.map((r) => r.projectId ?? null)]);
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

/**
 * cleanup: only after a complete listing of the scope. Repositories of this
 * source no longer listed are marked gone (their findings stay). `projectIds`
 * narrows the scope to the projects whose listing was complete.
 */
export async function markGoneRepositories(em: EntityManager, source: string, orgId: string, runId: string, now: Date, projectIds?: string[]): Promise<number> {
  const rows = returned(await em.query(
    `UPDATE repository SET gone_at = $3 WHERE organization_id = $1 AND source = $4 AND gone_at IS NULL
       AND last_sync_run_id IS DISTINCT FROM $2 AND ($5::uuid[] IS NULL OR project_id = ANY($5::uuid[])) RETURNING id`,
    [orgId, runId, now, source, projectIds ?? null]));
  return rows.length;
}

export async function mergeRepositorySettings(em: EntityManager, patches: { repoId: string; patch: Record<string, unknown> }[]): Promise<void> {
  if (!patches.length) return;
  await em.query(`UPDATE repository r SET settings = r.settings || v.patch, updated_at = now()
    FROM unnest($1::uuid[], $2::jsonb[]) v(id, patch) WHERE r.id = v.id`,
  [patches.map((p) => p.repoId), patches.map((p) => JSON.stringify(p.patch))]);
}

/**
 * Pipelines of one kind (GITHUB_WORKFLOW, AZURE_BUILD, AZURE_RELEASE). Those of
 * that kind in a completely read scope (`scope`: repositories or projects)
 * that this run did not see are deleted (cleanup, same scope).
 */
export async function replacePipelines(em: EntityManager, kind: string, orgId: string, runId: string, scope: { repoIds?: string[]; projectIds?: string[] }, rows: InventoryPipeline[]): Promise<{ upserted: number; removed: number }> {
  if (rows.length) {
    await em.query(
      `INSERT INTO pipeline (organization_id, repository_id, project_id, name, kind, definition_path, triggers, definition, external_id, url, last_sync_run_id)
       SELECT $1, v.repo, v.project, v.name, $10, v.path, ARRAY(SELECT jsonb_array_elements_text(v.triggers)), v.def, v.ext, v.url, $2
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[], $9::text[], $11::uuid[]) AS v(repo, name, path, triggers, def, ext, url, project)
       ON CONFLICT (organization_id, external_id) DO UPDATE SET repository_id = EXCLUDED.repository_id, project_id = EXCLUDED.project_id, name = EXCLUDED.name,
         definition_path = EXCLUDED.definition_path, triggers = EXCLUDED.triggers, definition = EXCLUDED.definition, url = EXCLUDED.url,
         last_sync_run_id = EXCLUDED.last_sync_run_id, updated_at = now()`,
      [orgId, runId, rows.map((r) => r.repoId), rows.map((r) => r.name), rows.map((r) => r.path), rows.map((r) => JSON.stringify(r.triggers)),
        rows.map((r) => JSON.stringify(r.definition)), rows.map((r) => r.externalId), rows.map((r) => r.url), kind, rows.map((r) => r.projectId ?? null)]);
  }
  let removed = 0;
  if (scope.repoIds?.length) {
    removed += returned(await em.query(
      `DELETE FROM pipeline WHERE organization_id = $1 AND repository_id = ANY($3::uuid[]) AND kind = $4
         AND last_sync_run_id IS DISTINCT FROM $2 RETURNING id`, [orgId, runId, scope.repoIds, kind])).length;
  }
  if (scope.projectIds?.length) {
    removed += returned(await em.query(
      `DELETE FROM pipeline WHERE organization_id = $1 AND project_id = ANY($3::uuid[]) AND kind = $4
         AND last_sync_run_id IS DISTINCT FROM $2 RETURNING id`, [orgId, runId, scope.projectIds, kind])).length;
  }
  return { upserted: rows.length, removed };
}

/**
 * Environments and deployments. An environment no longer listed (complete
 * list only) is removed with its deployments, unless a cloud resource link
 * still points at it. Deployments are history: never removed here.
 */
export async function upsertEnvironments(em: EntityManager, orgId: string, externalIdPrefix: string, loads: EnvironmentLoad[]): Promise<{ environments: number; deployments: number }> {
  const envs = loads.flatMap((l) => l.environments.map((e) => ({ ...e, repoId: l.repoId, projectId: l.projectId ?? null })));
  const ids = new Map<string, string>();
  if (envs.length) {
    const rows: { id: string; external_id: string }[] = await em.query(
      `INSERT INTO environment (organization_id, repository_id, project_id, name, production, protection_rules, external_id)
       SELECT $1, v.repo, v.project, v.name, v.prod, v.rules, v.ext
       FROM unnest($2::uuid[], $3::text[], $4::bool[], $5::jsonb[], $6::text[], $7::uuid[]) AS v(repo, name, prod, rules, ext, project)
       ON CONFLICT (organization_id, external_id) DO UPDATE SET repository_id = EXCLUDED.repository_id, project_id = EXCLUDED.project_id, name = EXCLUDED.name,
         production = EXCLUDED.production, protection_rules = COALESCE(EXCLUDED.protection_rules, environment.protection_rules)
       RETURNING id, external_id`,
      [orgId, envs.map((e) => e.repoId), envs.map((e) => e.name), envs.map((e) => e.production),
        envs.map((e) => (e.protectionRules ? JSON.stringify(e.protectionRules) : null)), envs.map((e) => e.externalId), envs.map((e) => e.projectId)]);
    for (const r of rows) ids.set(r.external_id, r.id);
  }
  for (const l of loads.filter((x) => x.complete)) {
    const keep = l.environments.map((e) => e.externalId);
    // The scope is the repository (GitHub) or the project (Azure DevOps) whose list was read.
    const gone: { id: string }[] = await em.query(
      `SELECT e.id FROM environment e WHERE e.organization_id = $1
         AND (CASE WHEN $2::uuid IS NOT NULL THEN e.repository_id = $2::uuid ELSE e.project_id = $5::uuid AND e.repository_id IS NULL END)
         AND starts_with(e.external_id, $4)
         AND NOT (e.external_id = ANY($3::text[])) AND NOT EXISTS (SELECT 1 FROM resource_link rl WHERE rl.environment_id = e.id)`,
      [orgId, l.repoId, keep, externalIdPrefix, l.projectId ?? null]);
    if (gone.length) {
      const g = gone.map((x) => x.id);
      await em.query(`DELETE FROM deployment WHERE environment_id = ANY($1::uuid[])`, [g]);
      await em.query(`DELETE FROM environment WHERE id = ANY($1::uuid[])`, [g]);
    }
  }
  const deps = loads.flatMap((l) => l.deployments.filter((d) => ids.has(d.environmentExternalId))
    .map((d) => ({ ...d, repoId: d.repoId ?? l.repoId, envId: ids.get(d.environmentExternalId)! })));
  if (deps.length) {
    await em.query(
      `INSERT INTO deployment (organization_id, environment_id, repository_id, commit_sha, ref, state, deployed_at, external_id)
       SELECT $1, v.env, v.repo, v.sha, v.ref, v.state, v.at, v.ext
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[]) AS v(env, repo, sha, ref, state, at, ext)
       ON CONFLICT (organization_id, external_id) DO UPDATE SET environment_id = EXCLUDED.environment_id, state = EXCLUDED.state,
         commit_sha = EXCLUDED.commit_sha, ref = EXCLUDED.ref, deployed_at = EXCLUDED.deployed_at`,
      [orgId, deps.map((d) => d.envId), deps.map((d) => d.repoId), deps.map((d) => d.commitSha), deps.map((d) => d.ref), deps.map((d) => d.state),
        deps.map((d) => d.deployedAt.toISOString()), deps.map((d) => d.externalId)]);
  }
  return { environments: envs.length, deployments: deps.length };
}

/** Rows of an UPDATE/DELETE … RETURNING: TypeORM's postgres driver answers those with [rows, affected]. */
export function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === "number") return result[0] as T[];
  return result as T[];
}
