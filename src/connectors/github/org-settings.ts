import type { GitHubClient } from "./client";
import { SourceHttpError, stopsRun, describe } from "../core";
import type { OrgRaw } from "./repositories";

/**
 * Organization settings posture checks read (Defender for DevOps' list):
 * default workflow token permissions, who may create public repositories,
 * the 2FA requirement, Actions secrets shared with all repositories, the
 * number of owners. Admin-only settings read without admin rights are
 * "unknown", never "off"; a setting that failed transiently keeps its last value.
 */
export type Unknown = "unknown";
export interface OrgSettings {
  viewerCanAdminister: boolean | Unknown;
  defaultWorkflowPermissions: "read" | "write" | Unknown;
  canApprovePullRequestReviews: boolean | Unknown;
  membersCanCreatePublicRepositories: boolean | Unknown;
  membersCanForkPrivateRepositories: boolean | Unknown;
  twoFactorRequired: boolean | Unknown;
  basePermission: string | Unknown;
  pushProtectionForNewRepositories: boolean | Unknown;
  actionsAllowed: { enabledRepositories: string; allowedActions: string | null } | Unknown;
  actionsSecrets: { total: number; visibleToAllRepositories: number; names: string[] } | Unknown;
  adminCount: number | Unknown;
}

type Partial_ = Partial<OrgSettings>;
const U: Unknown = "unknown";
const bool = (v: unknown): boolean | Unknown => (typeof v === "boolean" ? v : U);

/** get + transform. `etags` is read and updated; a 304 leaves those settings out (the stored value stands). */
export async function fetchOrgSettings(client: GitHubClient, org: string, gql: OrgRaw | null, etags: Record<string, string>, onError: (e: string) => void): Promise<Partial_> {
  const out: Partial_ = {};
  if (gql) {
    out.viewerCanAdminister = bool(gql.viewerCanAdminister);
    out.membersCanForkPrivateRepositories = bool(gql.membersCanForkPrivateRepositories);
    // null when the caller may not see it
    if (gql.requiresTwoFactorAuthentication != null) out.twoFactorRequired = gql.requiresTwoFactorAuthentication;
  }
  const read = async <T>(key: string, route: string, params: Record<string, unknown>, apply: (d: T) => void, unknown: () => void) => {
    try {
      const res = await client.rest<T>("org-settings", route, { org, ...params }, etags[key]);
      if (res.headers.etag) etags[key] = res.headers.etag;
      if (!res.notModified) apply(res.data);
    } catch (err) {
      if (stopsRun(err)) throw err;
      delete etags[key];
      if (err instanceof SourceHttpError && (err.status === 403 || err.status === 404)) unknown();
      else onError(`organization settings (${key}): ${describe(err)}`);
    }
  };
  await read<Record<string, unknown>>("org", "GET /orgs/{org}", {}, (d) => {
    out.membersCanCreatePublicRepositories = bool(d.members_can_create_public_repositories);
    if (out.twoFactorRequired === undefined) out.twoFactorRequired = bool(d.two_factor_requirement_enabled);
    out.basePermission = typeof d.default_repository_permission === "string" ? d.default_repository_permission : U;
    out.pushProtectionForNewRepositories = bool(d.secret_scanning_push_protection_enabled_for_new_repositories);
  }, () => { out.membersCanCreatePublicRepositories = U; out.basePermission = U; out.pushProtectionForNewRepositories = U; out.twoFactorRequired ??= U; });
  await read<{ default_workflow_permissions?: string; can_approve_pull_request_reviews?: boolean }>("workflow", "GET /orgs/{org}/actions/permissions/workflow", {}, (d) => {
    out.defaultWorkflowPermissions = d.default_workflow_permissions === "read" || d.default_workflow_permissions === "write" ? d.default_workflow_permissions : U;
    out.canApprovePullRequestReviews = bool(d.can_approve_pull_request_reviews);
  }, () => { out.defaultWorkflowPermissions = U; out.canApprovePullRequestReviews = U; });
  await read<{ enabled_repositories?: string; allowed_actions?: string }>("actions", "GET /orgs/{org}/actions/permissions", {}, (d) => {
    out.actionsAllowed = { enabledRepositories: d.enabled_repositories ?? "unknown", allowedActions: d.allowed_actions ?? null };
  }, () => { out.actionsAllowed = U; });
  await read<{ total_count: number; secrets: { name: string; visibility: string }[] }>("secrets", "GET /orgs/{org}/actions/secrets", { per_page: 100 }, (d) => {
    const all = d.secrets.filter((s) => s.visibility === "all");
    out.actionsSecrets = { total: d.total_count, visibleToAllRepositories: all.length, names: all.map((s) => s.name).slice(0, 100) };
  }, () => { out.actionsSecrets = U; });
  await read<{ login: string }[]>("admins", "GET /orgs/{org}/members", { role: "admin", per_page: 100 }, (d) => { out.adminCount = d.length; }, () => { out.adminCount = U; });
  return out;
}
