import { Scope } from "./types";
import { ForbiddenError } from "./errors";

/** Who is calling: resolved from the bearer token once per request or WebSocket connection. */
export interface AuthInfo {
  tokenId: string;
  tokenName: string;
  scopes: Scope[];
  /** DevOps organization IDs the token is limited to; null means all. */
  organizationIds: string[] | null;
}

/** What a service may show: every data-layer query narrows by this. */
export interface AccessScope {
  organizationIds: string[] | null;
}

export const UNRESTRICTED: AccessScope = { organizationIds: null };

export function hasScope(auth: AuthInfo | null | undefined, scope: Scope): boolean {
  return !!auth && auth.scopes.includes(scope);
}

/** Whether a row of organization `orgId` is visible in `access`. */
export function canSee(access: AccessScope, orgId: string | null | undefined): boolean {
  if (access.organizationIds === null) return true;
  return !!orgId && access.organizationIds.includes(orgId);
}

/**
 * Objects that belong to no organization (the audit log, every token) are for
 * unrestricted admins only: an organization-limited admin would otherwise see
 * the other organizations' activity.
 */
export function requireUnrestricted(auth: AuthInfo): void {
  if (auth.organizationIds !== null) throw new ForbiddenError("This needs a token that is not limited to some organizations");
}
