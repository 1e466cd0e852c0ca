import * as azdev from "azure-devops-node-api";
import { SourceClient, type SourceClientOptions } from "../core";

export interface AzureDevOpsClientOptions extends Omit<SourceClientOptions, "source" | "auth"> {
  /** The organization (https://dev.azure.com/{org}) or Azure DevOps Server collection URL. */
  collectionUrl: string;
  pat: string;
}

export interface AdoResult<T> { status: number; data: T; headers: Record<string, string>; continuationToken: string | null }

/** Resource area ids (connectors.md §2.1): the hosts ResourceAreas names for release and Advanced Security. */
export const RELEASE_AREA_ID = "efc2f575-36ef-48e9-b672-0c6fb4a48ac5";
export const ALERT_AREA_ID = "0f2ca920-f269-4545-b1f4-5b4173aa784e";

export interface AdoHosts { collection: string; release: string; advsec: string }

const trim = (u: string) => u.replace(/\/+$/, "");

/**
 * One connector run's view of Azure DevOps. azure-devops-node-api does the
 * location negotiation (OPTIONS _apis/Location, GET _apis/ResourceAreas) that
 * names the release (vsrm) and Advanced Security (advsec) hosts; everything
 * else is raw REST through SourceClient.withRetries, because the library
 * drops x-ms-continuationtoken and neither retries 429 nor honours
 * Retry-After (connectors.md §2.1). The PAT goes only to the collection host
 * and the hosts ResourceAreas named: any other URL is requested without it.
 */
export class AzureDevOpsClient extends SourceClient {
  private readonly authorization: string;
  private readonly trusted = new Set<string>();
  hosts: AdoHosts;
  /** Requests by host kind (core, release, advsec) for the run record and metrics. */
  readonly byKind: Record<string, number> = {};

  constructor(private readonly ado: AzureDevOpsClientOptions) {
    const authorization = `Basic ${Buffer.from(`:${ado.pat}`).toString("base64")}`;
    super({ ...ado, source: "azure-devops", auth: { header: async () => authorization } });
    this.authorization = authorization;
    const base = trim(ado.collectionUrl);
    this.hosts = { collection: base, release: base, advsec: base };
    this.trusted.add(new URL(base).host);
  }

  protected override count(kind: string, resource: string): void {
    super.count(kind, resource);
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  }

  /** Whether a URL is on one of the organization's hosts (and may carry the PAT). */
  trustedUrl(url: string): boolean {
    try { return this.trusted.has(new URL(url).host); } catch { return false; }
  }

  /**
   * Location negotiation through the library: ResourceAreas gives the
   * release and Advanced Security hosts on Azure DevOps Services; an empty
   * answer (Azure DevOps Server) means everything is on the collection URL.
   */
  async discover(): Promise<AdoHosts> {
    const areas = await this.withRetries("core", "resource-areas", async () => {
      // The library talks only to the collection URL here, so it never needs cross-origin auth:
      // our own rest() decides which hosts get the PAT.
      const conn = new azdev.WebApi(this.hosts.collection, azdev.getPersonalAccessTokenHandler(this.ado.pat, false), { allowRetries: false, socketTimeout: this.ado.timeoutMs ?? 30_000 });
      try {
        const loc = await conn.getLocationsApi();
        return (await loc.getResourceAreas()) ?? [];
      } catch (err) {
        const e = err as { statusCode?: number; responseHeaders?: Record<string, string>; message?: string };
        if (e.statusCode) throw Object.assign(new Error(`resource areas: HTTP ${e.statusCode}`), { status: e.statusCode, response: { headers: e.responseHeaders ?? {} } });
        throw Object.assign(new Error(`resource areas: ${e.message ?? "request failed"}`), { status: 500 });
      }
    }, () => []);
    // The library made two requests in that one attempt: OPTIONS _apis/Location and GET _apis/ResourceAreas.
    this.count("core", "location");
    const list = Array.isArray(areas) ? areas : [];
    const url = (id: string) => list.find((a) => a.id?.toLowerCase() === id)?.locationUrl;
    const release = url(RELEASE_AREA_ID);
    const advsec = url(ALERT_AREA_ID);
    if (release) { this.hosts.release = trim(release); this.trusted.add(new URL(release).host); }
    if (advsec) { this.hosts.advsec = trim(advsec); this.trusted.add(new URL(advsec).host); }
    return this.hosts;
  }

  /** One GET. `kind` names the host's budget: core (collection), release (vsrm), advsec. */
  async rest<T>(resource: string, url: string, kind = "core"): Promise<AdoResult<T>> {
    return this.request<T>("GET", resource, url, undefined, kind);
  }

  /** A write (POST/PATCH with a JSON body): pull request threads and statuses. */
  async send<T>(method: "POST" | "PATCH", resource: string, url: string, body: unknown, kind = "core"): Promise<AdoResult<T>> {
    return this.request<T>(method, resource, url, body, kind);
  }

  private async request<T>(method: string, resource: string, url: string, body: unknown, kind: string): Promise<AdoResult<T>> {
    const withAuth = this.trustedUrl(url);
    return this.withRetries(kind, resource, async (fetchImpl) => {
      const headers: Record<string, string> = { accept: "application/json", "x-tfs-fedauthredirect": "Suppress" };
      if (withAuth) headers.authorization = this.authorization;
      if (body !== undefined) headers["content-type"] = "application/json";
      let res: Response;
      try {
        res = await fetchImpl(url, { method, headers, redirect: "manual", body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (err) {
        const e = err as Error;
        if (e.name === "AbortError" || e.name === "TimeoutError") throw err;
        throw Object.assign(new Error(`${resource}: connection failed`), { status: 500 });
      }
      const h = Object.fromEntries(res.headers);
      if (!res.ok) {
        const text = await res.text().catch(() => "");
        let message = `HTTP ${res.status}`;
        try { message = (JSON.parse(text) as { message?: string }).message ?? message; } catch { /* not JSON */ }
        throw Object.assign(new Error(message.slice(0, 200)), { status: res.status, response: { headers: h } });
      }
      const data = (res.status === 204 ? null : await res.json()) as T;
      return { status: res.status, data, headers: h, continuationToken: h["x-ms-continuationtoken"] || null };
    }, () => []);
  }

  /** Every page of a `{count, value}` list, following x-ms-continuationtoken to the end. */
  async list<T>(resource: string, url: string, kind = "core", onPage?: (n: number) => void): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let token: string | null = null;
    for (;;) {
      const page: AdoResult<{ value?: T[] } | T[]> = await this.rest(resource, token ? withParam(url, "continuationToken", token) : url, kind);
      const value = Array.isArray(page.data) ? page.data : page.data?.value ?? [];
      out.push(...value);
      onPage?.(value.length);
      token = page.continuationToken;
      if (!token) return out;
      if (seen.has(token)) throw new Error(`${resource}: the continuation token repeated`);
      seen.add(token);
    }
  }
}

export function withParam(url: string, key: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}
