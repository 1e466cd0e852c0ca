import { DataSource, EntityManager } from "typeorm";
import { AccessScope, canSee } from "../common/auth";
import { ForbiddenError, NotFoundError } from "../common/errors";
import { tryId } from "../common/ids";
import { IngestInputError } from "../formats";
import { DevOpsOrganization, Repository } from "../entities/index";
import { Provider } from "../entities/enums";

/** A repository as the ingest path needs it: found, or known to need creating. */
export type RepositoryTarget =
  | { kind: "existing"; repository: Repository }
  | { kind: "new"; fullName: string; owner: string; name: string; organizationId: string | null };

const SEGMENT = /^[^/\p{Cc}]{1,200}$/u;

/** Splits and checks a full name: `owner/repo` or `org/project/repo`. */
export function splitFullName(fullName: string): { owner: string; name: string } | null {
  const parts = fullName.split("/");
  if (parts.length < 2 || parts.length > 3 || fullName.length > 400) return null;
  if (parts.some((p) => !SEGMENT.test(p) || p.trim() !== p || p === "." || p === "..")) return null;
  return { owner: parts[0], name: parts[parts.length - 1] };
}

/**
 * Read-only: resolves the `repository` parameter (a Repository ID or a full
 * name, case-insensitive) and checks what the caller may do. Nothing is written.
 */
export async function resolveRepository(ds: DataSource, access: AccessScope, ref: string): Promise<RepositoryTarget> {
  if (typeof ref !== "string" || !ref.trim()) throw new IngestInputError("INVALID_REQUEST", "repository: required (a full name such as acme/api, or a repository ID)");
  const repoId = tryId(ref, "Repository");
  if (repoId) {
    const repository = await ds.getRepository(Repository).findOneBy({ id: repoId });
    if (!repository || !canSee(access, repository.organizationId)) throw new NotFoundError(`repository: no repository with ID ${ref}`);
    return { kind: "existing", repository };
  }
  const split = splitFullName(ref);
  if (!split) throw new IngestInputError("INVALID_REQUEST", `repository: "${ref.slice(0, 80)}" is neither a repository ID nor a full name (owner/repo or org/project/repo)`);
  const repository = await ds.getRepository(Repository).createQueryBuilder("r")
    .where("lower(r.full_name) = lower(:ref)", { ref }).getOne();
  if (repository) {
    // Same answer as for a name it may not create: another tenant's repository must not be distinguishable.
    if (!canSee(access, repository.organizationId)) throw new ForbiddenError(`This token may not ingest into ${ref}`);
    return { kind: "existing", repository };
  }
  const org = await ds.getRepository(DevOpsOrganization).findOneBy({ provider: Provider.GENERIC, name: split.owner });
  if (access.organizationIds !== null && (!org || !canSee(access, org.id))) {
    throw new ForbiddenError(`This token may not ingest into ${ref}`);
  }
  return { kind: "new", fullName: ref, owner: split.owner, name: split.name, organizationId: org?.id ?? null };
}

/** Creates the generic organization and repository when needed; safe under concurrent uploads. */
export async function ensureRepository(em: EntityManager, target: RepositoryTarget): Promise<Repository> {
  if (target.kind === "existing") return target.repository;
  let orgId = target.organizationId;
  if (!orgId) {
    await em.query(`INSERT INTO devops_organization (name, provider) VALUES ($1, $2) ON CONFLICT (provider, name) DO NOTHING`, [target.owner, Provider.GENERIC]);
    const [row] = await em.query(`SELECT id FROM devops_organization WHERE provider = $1 AND name = $2`, [Provider.GENERIC, target.owner]);
    orgId = row.id as string;
  }
  await em.query(
    `INSERT INTO repository (organization_id, name, full_name, source) VALUES ($1, $2, $3, 'sarif') ON CONFLICT (full_name) DO NOTHING`,
    [orgId, target.name, target.fullName]);
  const repo = await em.getRepository(Repository).createQueryBuilder("r")
    .where("lower(r.full_name) = lower(:f)", { f: target.fullName }).orderBy("r.created_at").getOne();
  return repo!;
}

/** The default-branch rule: absent ref, `refs/heads/<default>` or `<default>`; main/master while unknown. */
export function isDefaultRef(repository: Repository, ref: string | null | undefined): { isDefault: boolean; learn: string | null } {
  if (!ref) return { isDefault: true, learn: null };
  const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
  if (repository.defaultBranch) return { isDefault: branch === repository.defaultBranch, learn: null };
  if (branch === "main" || branch === "master") return { isDefault: true, learn: branch };
  return { isDefault: false, learn: null };
}
