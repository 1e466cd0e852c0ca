import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { githubSchema } from "./schema";
import { FakeGraphql, FieldError } from "./graphql";
import { FakeOptions, FakeOrg, FakeRepo, generateOrg, SHA } from "./data";

/**
 * A fake GitHub (GraphQL + REST) on 127.0.0.1:0. Every GraphQL document is
 * validated against GitHub's real schema (an invalid one answers 400 and is
 * recorded in `invalidQueries`, which tests assert empty); point cost is
 * computed as GitHub does and reported in rateLimit.cost. Faults are injected
 * per request.
 */
export type FaultAction = "502" | "503" | "secondary-403" | "secondary-429" | "graphql-rate-limited" | "slow" | "forbidden" | "not-found" | "hang";
export interface Fault {
  match: (r: { kind: "graphql" | "rest"; path: string; operation: string }) => boolean;
  action: FaultAction;
  /** How many matching requests it hits (default 1; Infinity for all). */
  times?: number;
  delayMs?: number;
  retryAfter?: number;
}
export interface RequestLog { kind: "graphql" | "rest"; path: string; operation: string; status: number; cost: number; authorization: string }

export class FakeGitHub {
  org: FakeOrg;
  url = "";
  readonly requests: RequestLog[] = [];
  readonly invalidQueries: { operation: string; errors: string[] }[] = [];
  faults: Fault[] = [];
  /** Repos whose per-field reads fail (e.g. FORBIDDEN on vulnerabilityAlerts). */
  fieldErrors: { repo: string; field: string; type: string }[] = [];
  /** Ignore hide_secret=true (to prove the connector never stores a secret even when GitHub sends it). */
  leakSecrets = false;
  /** Organization-level alert endpoints answer 403 (caller is not an owner): forces per-repository reads. */
  orgAlertsForbidden = false;
  restricted = new Set<string>();
  tokens = new Set<string>(["ghp_faketoken0123456789"]);
  app = { id: "12345", installationId: "777", publicKey: "", privateKey: "" };
  remaining = 5000;
  limit = 5000;
  /** Pull requests by "repo#number": head commit and files with their patches (GET …/pulls/{n}, …/pulls/{n}/files). */
  pulls = new Map<string, { head: string; files: { filename: string; status: string; patch?: string }[] }>();
  /** Check runs as posted (POST …/check-runs) and updated (PATCH: annotations appended, as GitHub does). */
  checkRuns: { id: number; repo: string; name: string; headSha: string; conclusion: string | null; annotations: Record<string, unknown>[]; requests: number }[] = [];
  private server!: http.Server;
  private gql!: FakeGraphql;

  constructor(readonly options: FakeOptions) {
    this.org = generateOrg(options);
    const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
    this.app.publicKey = publicKey; this.app.privateKey = privateKey;
  }

  async start(prefix = ""): Promise<this> {
    this.gql = new FakeGraphql(await githubSchema(), () => this.org, {
      fieldError: (repo, field) => {
        const f = this.fieldErrors.find((x) => x.repo === repo.name && x.field === field);
        return f ? new FieldError(f.type, `Resource not accessible by integration (${field})`) : null;
      },
    });
    this.server = http.createServer((req, res) => void this.route(req, res).catch((err) => { res.statusCode = 500; res.end(String(err)); }));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${prefix}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  repo(name: string): FakeRepo { return this.org.repos.find((r) => r.name === name)!; }
  graphqlRequests(): RequestLog[] { return this.requests.filter((r) => r.kind === "graphql"); }
  points(): number { return this.requests.reduce((s, r) => s + r.cost, 0); }
  tick(): string { this.org.clock += 60_000; return new Date(this.org.clock).toISOString().replace(/\.\d{3}Z$/, "Z"); }

  private resetHeader() { return String(Math.floor(Date.now() / 1000) + 3600); }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://x");
    const path = u.pathname.replace(/^\/api\/v3(?=\/)/, "").replace(/^\/api\/graphql$/, "/graphql");
    const body = await new Promise<string>((r) => { let b = ""; req.on("data", (c) => (b += c)); req.on("end", () => r(b)); });
    const kind = path === "/graphql" ? "graphql" : "rest";
    const parsed = kind === "graphql" ? JSON.parse(body || "{}") : null;
    const operation = kind === "graphql" ? (/query\s+(\w+)/.exec(parsed.query ?? "")?.[1] ?? "anonymous") : `${req.method} ${path}`;
    const log: RequestLog = { kind, path: u.pathname + u.search, operation, status: 0, cost: 0, authorization: String(req.headers.authorization ?? "") };
    this.requests.push(log);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      res.writeHead(status, { "content-type": "application/json", "x-ratelimit-limit": String(this.limit), "x-ratelimit-remaining": String(Math.max(0, this.remaining)),
        "x-ratelimit-reset": this.resetHeader(), "x-ratelimit-resource": kind === "graphql" ? "graphql" : "core", ...headers });
      res.end(status === 304 ? undefined : JSON.stringify(json));
    };
    if (req.method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) return this.exchange(req, path, send);
    const auth = String(req.headers.authorization ?? "");
    if (!this.tokens.has(auth.replace(/^token /, ""))) return send(401, { message: "Bad credentials" });

    const fault = this.faults.find((f) => (f.times ?? 1) > 0 && f.match({ kind, path: u.pathname + u.search, operation }));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      switch (fault.action) {
        case "502": case "503": return send(Number(fault.action), { message: "Server Error" });
        case "secondary-403": return send(403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": String(fault.retryAfter ?? 60) });
        case "secondary-429": return send(429, { message: "Too many requests" }, fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {});
        case "graphql-rate-limited": {
          log.status = 200;
          res.writeHead(200, { "content-type": "application/json", "x-ratelimit-limit": String(this.limit), "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 120), "x-ratelimit-resource": "graphql" });
          res.end(JSON.stringify({ data: null, errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for user ID 1." }] }));
          return;
        }
        case "slow": case "hang": await new Promise((r) => setTimeout(r, fault.delayMs ?? 2000)); if (fault.action === "hang") return send(504, { message: "timeout" }); break;
        case "forbidden": return send(403, { message: "Resource not accessible by integration" });
        case "not-found": return send(404, { message: "Not Found" });
      }
    }
    if (kind === "graphql") {
      const r = this.gql.handle(parsed, { remaining: this.remaining, limit: this.limit, resetAt: new Date(Date.now() + 3600_000).toISOString() });
      if (r.invalid) this.invalidQueries.push({ operation, errors: r.invalid });
      log.cost = r.cost;
      this.remaining -= r.cost;
      return send(r.status, r.json);
    }
    if (req.method === "POST" || req.method === "PATCH") { this.remaining--; return this.checks(req.method, path, body, send); }
    if (req.method !== "GET") return send(404, { message: "Not Found" });
    return this.rest(path, u.searchParams, String(req.headers["if-none-match"] ?? ""), (s, j, h) => { if (s !== 304) this.remaining--; send(s, j, h); });
  }

  private checks(method: string, path: string, body: string, send: (s: number, j: unknown) => void) {
    const seg = path.split("/").filter(Boolean);
    if (seg[0] !== "repos" || seg[1] !== this.org.login || seg[3] !== "check-runs") return send(404, { message: "Not Found" });
    const input = JSON.parse(body || "{}") as { name?: string; head_sha?: string; conclusion?: string; output?: { annotations?: Record<string, unknown>[] } };
    const annotations = input.output?.annotations ?? [];
    if (annotations.length > 50) return send(422, { message: "Only 50 annotations are allowed per request" });
    if (method === "POST" && seg.length === 4) {
      if (!input.name || !input.head_sha) return send(422, { message: "name and head_sha are required" });
      const run = { id: this.checkRuns.length + 1, repo: seg[2], name: input.name, headSha: input.head_sha, conclusion: input.conclusion ?? null, annotations: [...annotations], requests: 1 };
      this.checkRuns.push(run);
      return send(201, { id: run.id, html_url: `https://github.example/${seg[1]}/${seg[2]}/runs/${run.id}` });
    }
    const run = method === "PATCH" && seg.length === 5 ? this.checkRuns.find((r) => r.id === Number(seg[4]) && r.repo === seg[2]) : undefined;
    if (!run) return send(404, { message: "Not Found" });
    run.annotations.push(...annotations);
    run.requests++;
    if (input.conclusion) run.conclusion = input.conclusion;
    send(200, { id: run.id, html_url: `https://github.example/${seg[1]}/${seg[2]}/runs/${run.id}` });
  }

  private exchange(req: http.IncomingMessage, path: string, send: (s: number, j: unknown) => void) {
    const jwt = String(req.headers.authorization ?? "").replace(/^bearer /i, "");
    const [h, p, sig] = jwt.split(".");
    const ok = !!sig && crypto.verify("RSA-SHA256", Buffer.from(`${h}.${p}`), this.app.publicKey, Buffer.from(sig, "base64url"));
    const claims = ok ? JSON.parse(Buffer.from(p, "base64url").toString()) : {};
    const now = Math.floor(Date.now() / 1000);
    if (!ok || String(claims.iss) !== this.app.id || claims.exp - claims.iat > 660 || claims.exp < now) return send(401, { message: "A JSON web token could not be decoded" });
    if (path.split("/")[3] !== this.app.installationId) return send(404, { message: "Not Found" });
    const token = `ghs_${crypto.randomBytes(12).toString("hex")}`;
    this.tokens.add(token);
    send(201, { token, expires_at: new Date(Date.now() + 3600_000).toISOString() });
  }

  private rest(path: string, q: URLSearchParams, ifNoneMatch: string, send: (s: number, j: unknown, h?: Record<string, string>) => void) {
    const org = this.org;
    const seg = path.split("/").filter(Boolean);
    const page = (items: unknown[]) => {
      const per = Math.min(100, Number(q.get("per_page") ?? 30));
      const p = Number(q.get("page") ?? 1);
      const slice = items.slice((p - 1) * per, p * per);
      const headers: Record<string, string> = {};
      if (p * per < items.length) { const next = new URLSearchParams(q); next.set("page", String(p + 1)); headers.link = `<${this.url}${path}?${next}>; rel="next"`; }
      const etag = `"${crypto.createHash("sha1").update(JSON.stringify(slice)).digest("hex")}"`;
      headers.etag = etag;
      if (ifNoneMatch === etag) return send(304, null, headers);
      send(200, slice, headers);
    };
    const alerts = (list: Record<string, any>[], secret: boolean) => {
      let items = [...list].sort((a, b) => (a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : b.number - a.number));
      if (q.get("state")) items = items.filter((a) => a.state === q.get("state"));
      if (secret && (q.get("hide_secret") !== "true" || this.leakSecrets)) return page(items);
      return page(secret ? items.map(({ secret: _s, ...rest }) => rest) : items);
    };
    if (seg[0] === "orgs" && seg[1] === org.login) {
      const rest = seg.slice(2).join("/");
      if (rest === "") return send(200, org.settings);
      if (rest === "actions/permissions/workflow") return this.restricted.has("workflow") ? send(403, { message: "Must have admin rights" }) : send(200, { default_workflow_permissions: "write", can_approve_pull_request_reviews: true });
      if (rest === "actions/permissions") return send(200, { enabled_repositories: "all", allowed_actions: "all" });
      if (rest === "actions/secrets") return send(200, { total_count: org.secrets.length, secrets: org.secrets });
      if (rest === "members") return page(org.admins.map((login) => ({ login })));
      if (rest === "code-scanning/alerts") return this.orgAlertsForbidden ? send(403, { message: "Must be an owner or security manager" }) : alerts(org.codeScanning, false);
      if (rest === "secret-scanning/alerts") return this.orgAlertsForbidden ? send(403, { message: "Must be an owner or security manager" }) : alerts(org.secretScanning, true);
    }
    if (seg[0] === "repos" && seg[1] === org.login && seg[3] === "pulls") {
      const pr = this.pulls.get(`${seg[2]}#${seg[4]}`);
      if (!pr) return send(404, { message: "Not Found" });
      if (seg.length === 5) return send(200, { number: Number(seg[4]), state: "open", head: { sha: pr.head, ref: "feature" } });
      if (seg.length === 6 && seg[5] === "files") return page(pr.files.map((f) => ({ sha: SHA(1), additions: 1, deletions: 0, changes: 1, ...f })));
    }
    if (seg[0] === "repos" && seg[1] === org.login && seg.length === 5 && seg[4] === "alerts") {
      const full = `${seg[1]}/${seg[2]}`;
      const of = (list: Record<string, any>[]) => list.filter((a) => a.repository.full_name === full).map(({ repository: _r, ...a }) => a);
      if (seg[3] === "code-scanning") return alerts(of(org.codeScanning), false);
      if (seg[3] === "secret-scanning") return alerts(of(org.secretScanning), true);
    }
    send(404, { message: "Not Found" });
  }
}
