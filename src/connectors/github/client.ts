import { SourceClient, type SourceClientOptions } from "../core";

export interface GitHubClientOptions extends Omit<SourceClientOptions, "source"> {
  /** https://api.github.com, or a GHES https://host/api/v3. */
  baseUrl: string;
}

export interface GqlError { type?: string; message: string; path?: (string | number)[] }
export interface GqlResult<T> { data: T | null; errors: GqlError[] }
export interface RestResult<T> { status: number; data: T; headers: Record<string, string>; notModified: boolean }


/** Both packages are ESM-only; module node16 keeps import() a real dynamic import in our CJS output. */
const importOctokit = () => Promise.all([import("@octokit/graphql"), import("@octokit/request")]);
let octokit: ReturnType<typeof importOctokit> | undefined;
function loadOctokit() {
  octokit ??= importOctokit();
  return octokit;
}

/**
 * One connector run's view of GitHub: GraphQL and REST with retries, rate-limit
 * waits, a budget reserve, a cap on concurrency and request accounting. After a
 * RateLimitStop every further call fails fast, so the run winds down at once.
 */
export class GitHubClient extends SourceClient {
  constructor(private readonly gh: GitHubClientOptions) {
    super({ ...gh, source: "github" });
  }

  get baseUrl(): string { return this.gh.baseUrl.replace(/\/+$/, ""); }

  /** A GraphQL query. Field errors (e.g. FORBIDDEN on one repository) come back with the partial data. */
  async graphql<T>(resource: string, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult<T>> {
    const [{ graphql }] = await loadOctokit();
    return this.withRetries("graphql", resource, async (fetchImpl, authorization) => {
      const gql = graphql.defaults({ baseUrl: this.baseUrl, headers: { authorization }, request: { fetch: fetchImpl } });
      try {
        const data = await gql<T>(query, variables);
        return { data, errors: [] as GqlError[] };
      } catch (err) {
        const e = err as { name?: string; errors?: GqlError[]; data?: T };
        if (e.name !== "GraphqlResponseError") throw err;
        return { data: e.data ?? null, errors: e.errors ?? [] };
      }
    }, (r) => {
      const cost = (r.data as { rateLimit?: { cost?: number } } | null)?.rateLimit?.cost;
      if (typeof cost === "number") this.stats.graphqlPoints += cost;
      return r.errors.map((e) => e.type ?? "").filter(Boolean);
    });
  }

  /** A REST GET. With `etag`, a 304 answers notModified (and costs no primary budget on GitHub). */
  async rest<T>(resource: string, route: string, params: Record<string, unknown> = {}, etag?: string | null): Promise<RestResult<T>> {
    const [, { request }] = await loadOctokit();
    return this.withRetries("rest", resource, async (fetchImpl, authorization) => {
      const headers: Record<string, string> = { authorization, "x-github-api-version": "2022-11-28", accept: "application/vnd.github+json" };
      if (etag) headers["if-none-match"] = etag;
      try {
        const res = await request(route, { baseUrl: this.baseUrl, headers, request: { fetch: fetchImpl }, ...params });
        return { status: res.status, data: res.data as T, headers: res.headers as Record<string, string>, notModified: false };
      } catch (err) {
        const e = err as { status?: number; response?: { headers: Record<string, string> } };
        if (e.status === 304) {
          this.stats.notModified++;
          return { status: 304, data: undefined as T, headers: e.response?.headers ?? {}, notModified: true };
        }
        throw err;
      }
    }, () => []);
  }

  /** Follows `link: rel="next"` from a first REST page; yields each page. */
  async *paginate<T>(resource: string, route: string, params: Record<string, unknown>, etag?: string | null): AsyncGenerator<RestResult<T[]>> {
    let next: string | null = route;
    let first = true;
    while (next) {
      const page: RestResult<T[]> = await this.rest<T[]>(resource, next, first ? params : {}, first ? etag : null);
      yield page;
      if (page.notModified) return;
      first = false;
      const m = /<([^>]+)>;\s*rel="next"/.exec(page.headers.link ?? "");
      next = m ? `GET ${m[1]}` : null;
    }
  }
}
