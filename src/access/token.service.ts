import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DataSource, IsNull } from "typeorm";
import { ApiToken } from "../entities/index";
import { AccessScope, AuthInfo, UNRESTRICTED } from "../common/auth";
import { Scope } from "../common/types";
import { NotFoundError } from "../common/errors";

const TOKEN_PREFIX = "pgr_";
const ALL_SCOPES = [Scope.READ, Scope.WRITE, Scope.INGEST, Scope.ADMIN];

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateToken(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
}

function manageable(row: ApiToken, access: AccessScope): boolean {
  if (access.organizationIds === null) return true;
  const limit = access.organizationIds;
  return !!row.organizationIds?.length && row.organizationIds.every((o) => limit.includes(o));
}

/** API tokens: creation, verification and the first-start admin bootstrap. */
export class TokenService {
  // Throttle last_used_at writes: at most one per token per minute.
  private lastTouched = new Map<string, number>();

  constructor(private readonly ds: DataSource) {}

  async create(input: { name: string; scopes: Scope[]; organizationIds?: string[] | null; expiresAt?: Date | null; secret?: string }): Promise<{ token: string; apiToken: ApiToken }> {
    const token = input.secret ?? generateToken();
    const repo = this.ds.getRepository(ApiToken);
    const apiToken = await repo.save(repo.create({
      name: input.name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      scopes: [...new Set(input.scopes)],
      organizationIds: input.organizationIds && input.organizationIds.length ? input.organizationIds : null,
      expiresAt: input.expiresAt ?? null,
    }));
    return { token, apiToken };
  }

  /**
   * Tokens the caller may manage: all for an unrestricted admin; for an admin
   * limited to some organizations, only tokens limited to a subset of those
   * (never an unrestricted token, never another tenant's).
   */
  list(access: AccessScope): Promise<ApiToken[]> {
    const qb = this.ds.getRepository(ApiToken).createQueryBuilder("t").orderBy("t.created_at", "ASC").addOrderBy("t.id", "ASC");
    if (access.organizationIds !== null) {
      qb.where("t.organization_ids IS NOT NULL AND cardinality(t.organization_ids) > 0 AND t.organization_ids <@ :orgs::uuid[]", { orgs: access.organizationIds });
    }
    return qb.getMany();
  }

  async revoke(id: string, access: AccessScope = UNRESTRICTED): Promise<ApiToken> {
    const repo = this.ds.getRepository(ApiToken);
    const row = await repo.findOne({ where: { id } });
    // Outside the caller's reach reads exactly like a missing token.
    if (!row || !manageable(row, access)) throw new NotFoundError("no API token with that ID");
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await repo.save(row);
    }
    this.onRevoke?.(row.id);
    return row;
  }

  /** Called after a revocation (the WebSocket server closes that token's sockets). */
  onRevoke?: (tokenId: string) => void;

  /**
   * The token's identity, or null for an unknown, revoked or expired token.
   * Lookup is by hash (an index hit); a final constant-time comparison keeps
   * the check free of early-exit timing.
   */
  async verify(token: string): Promise<AuthInfo | null> {
    return (await this.verifyAt(token))?.auth ?? null;
  }

  /**
   * verify, plus the database snapshot the lookup ran in (pg_current_snapshot:
   * which transactions were committed). Two requests that see the same
   * snapshot see the same data, which is what the response cache keys on.
   */
  async verifyAt(token: string): Promise<{ auth: AuthInfo; snapshot: string } | null> {
    if (!token || token.length > 200) return null;
    const hash = hashToken(token);
    const [row]: { id: string; name: string; token_hash: string; scopes: Scope[]; organization_ids: string[] | null; revoked_at: Date | null; expires_at: Date | null; snapshot: string }[] =
      await this.ds.query(
        `SELECT id, name, token_hash, scopes, organization_ids, revoked_at, expires_at, pg_current_snapshot()::text AS snapshot
           FROM api_token WHERE token_hash = $1`, [hash]);
    if (!row) return null;
    if (!crypto.timingSafeEqual(Buffer.from(row.token_hash, "hex"), Buffer.from(hash, "hex"))) return null;
    if (row.revoked_at) return null;
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) return null;
    this.touch(row.id);
    return { auth: { tokenId: row.id, tokenName: row.name, scopes: row.scopes, organizationIds: row.organization_ids }, snapshot: row.snapshot };
  }

  /** Which of these token IDs are neither revoked nor expired (the WebSocket sweep). */
  async stillValid(ids: string[]): Promise<Set<string>> {
    const rows: { id: string }[] = await this.ds.query(
      "SELECT id FROM api_token WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())", [ids]);
    return new Set(rows.map((r) => r.id));
  }

  private touch(id: string): void {
    const now = Date.now();
    if ((this.lastTouched.get(id) ?? 0) > now - 60_000) return;
    this.lastTouched.set(id, now);
    void this.ds.getRepository(ApiToken).update({ id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
  }

  /**
   * On a database without tokens, create the admin token (ADMIN_TOKEN when
   * given) and write it to DATA_DIR/admin-token (0600). Returns the new secret,
   * or null when a token already existed. With ADMIN_TOKEN set on an existing
   * database, makes sure that token is present.
   */
  async bootstrapAdmin(dataDir: string, adminToken?: string): Promise<string | null> {
    return this.ds.transaction(async (em) => {
      // Two instances starting together must not both create a token.
      await em.query("SELECT pg_advisory_xact_lock(hashtext('posturegraph:bootstrap-admin'))");
      const repo = em.getRepository(ApiToken);
      if (adminToken) {
        const exists = await repo.findOne({ where: { tokenHash: hashToken(adminToken), revokedAt: IsNull() } });
        if (exists) return null;
      } else if ((await repo.count()) > 0) {
        return null;
      }
      const token = adminToken ?? generateToken();
      await repo.save(repo.create({
        name: "admin", tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        scopes: ALL_SCOPES, organizationIds: null,
      }));
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const file = path.join(dataDir, "admin-token");
      fs.writeFileSync(file, token + "\n", { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      return token;
    });
  }
}
