import crypto from "node:crypto";
import { SourceHttpError, type AuthProvider } from "../core";

/** What a connector stores, sealed with SecretBox; never returned, never logged. */
export type GitHubCredentials =
  | { type: "token"; token: string }
  | { type: "app"; appId: string; installationId: string; privateKey: string };

export type { AuthProvider } from "../core";

export function tokenAuth(token: string): AuthProvider {
  return { header: async () => `token ${token}` };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/**
 * A GitHub App JWT (RS256): iat 60 s in the past against clock drift, exp
 * 9 minutes ahead (GitHub rejects more than 10), iss the App ID.
 */
export function appJwt(appId: string, privateKeyPem: string, nowSec = Math.floor(Date.now() / 1000)): string {
  const head = b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const body = b64url(JSON.stringify({ iat: nowSec - 60, exp: nowSec + 9 * 60, iss: /^\d+$/.test(appId) ? Number(appId) : appId }));
  const signature = crypto.sign("RSA-SHA256", Buffer.from(`${head}.${body}`), crypto.createPrivateKey(privateKeyPem));
  return `${head}.${body}.${b64url(signature)}`;
}

/** Whether a PEM parses as an RSA private key (checked when the connector is created). */
export function isRsaPrivateKey(pem: string): boolean {
  try {
    return crypto.createPrivateKey(pem).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
}

/**
 * GitHub App installation auth: exchanges the App JWT for an installation
 * token (POST /app/installations/{id}/access_tokens) and reuses it until five
 * minutes before it expires.
 */
export class AppInstallationAuth implements AuthProvider {
  private cached: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;
  exchanges = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly creds: Extract<GitHubCredentials, { type: "app" }>,
    private readonly now: () => number = Date.now,
  ) {}

  async header(): Promise<string> {
    if (this.cached && this.cached.expiresAt - 5 * 60_000 > this.now()) return `token ${this.cached.token}`;
    this.pending ??= this.exchange().finally(() => { this.pending = null; });
    return `token ${await this.pending}`;
  }

  invalidate(): void { this.cached = null; }

  private async exchange(): Promise<string> {
    const { request } = await import("@octokit/request");
    const jwt = appJwt(this.creds.appId, this.creds.privateKey, Math.floor(this.now() / 1000));
    this.exchanges++;
    try {
      const res = await request("POST /app/installations/{installation_id}/access_tokens", {
        baseUrl: this.baseUrl.replace(/\/+$/, ""),
        installation_id: Number(this.creds.installationId),
        headers: { authorization: `bearer ${jwt}`, "x-github-api-version": "2022-11-28" },
      });
      const data = res.data as { token: string; expires_at: string };
      this.cached = { token: data.token, expiresAt: Date.parse(data.expires_at) || this.now() + 60 * 60_000 };
      return data.token;
    } catch (err) {
      const status = (err as { status?: number }).status ?? 0;
      throw new SourceHttpError(status, `GitHub App installation token exchange failed (installation ${this.creds.installationId})`);
    }
  }
}

export function authFor(baseUrl: string, creds: GitHubCredentials, now?: () => number): AuthProvider {
  return creds.type === "token" ? tokenAuth(creds.token) : new AppInstallationAuth(baseUrl, creds, now);
}
