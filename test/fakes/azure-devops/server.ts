import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake Azure DevOps organization on three loopback ports: the collection
 * host (dev.azure.com), the release host (vsrm) and the Advanced Security host
 * (advsec), which ResourceAreas names. It answers the location negotiation
 * azure-devops-node-api performs (OPTIONS _apis/Location, GET
 * _apis/ResourceAreas; connectors.md §3) and the REST 7.x lists as
 * {count, value}, paged with x-ms-continuationtoken. Faults (429 with
 * Retry-After, 503) are injected per request; a project can be made
 * unreadable (403 on its lists). Every request is recorded (host, path,
 * whether Authorization was present). Data is mutable between runs.
 */
export type Host = "collection" | "release" | "advsec";
export interface RequestLog { host: Host; method: string; path: string; status: number; authorization: string | null }
export interface Fault { match: (r: { host: Host; path: string }) => boolean; status: 429 | 503; retryAfter?: number; times?: number }

export interface FakeRepo { id: string; name: string; defaultBranch: string | null; isDisabled: boolean; isFork: boolean; size: number; advsec: boolean }
export interface FakeAlert { repoId: string; alert: Record<string, any>; modifiedAt: number }
export interface FakeProject {
  id: string; name: string; visibility: string; repos: FakeRepo[]; policies: Record<string, any>[]; buildDefinitions: Record<string, any>[];
  releaseDefinitions: Record<string, any>[]; environments: { id: number; name: string; records: Record<string, any>[] }[];
  builds: Record<string, any>[]; serviceEndpoints: Record<string, any>[]; variableGroups: Record<string, any>[]; secureFiles: Record<string, any>[];
  permissions: Record<string, boolean>;
}

export const MIN_REVIEWERS = "fa4e907d-c16b-4a4c-9dfa-4906e5d171dd";
export const BUILD = "0609b952-1397-4640-95ec-e00a01b2c241";
export const COMMENTS = "c6a1889d-b943-4856-b76f-9e46bb6b0df2";
export const REQUIRED_REVIEWERS = "fd2167ab-b0be-447a-8ec8-39368250530e";
export const MERGE_STRATEGY = "fa4e907d-c16b-4a4c-9dfa-4916e5d171ab";
const RELEASE_AREA = "efc2f575-36ef-48e9-b672-0c6fb4a48ac5";
const ALERT_AREA = "0f2ca920-f269-4545-b1f4-5b4173aa784e";

const guid = (kind: number, n: number) => `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export interface FakeOptions { org?: string; projects?: { name: string; repos: number }[]; alertsPerRepo?: number; pageSize?: number; advsecEvery?: number }

export class FakeAzureDevOps {
  readonly org: string;
  readonly projects: FakeProject[] = [];
  readonly alerts: FakeAlert[] = [];
  readonly requests: RequestLog[] = [];
  faults: Fault[] = [];
  /** Projects whose lists answer 403 (the token may not read them). */
  denied = new Set<string>();
  pageSize: number;
  pat = "adopat0123456789secretvalue";
  /** A secret the fake puts into service connection and variable group answers: it must be stored nowhere. */
  readonly secretValue = "SUPERSECRET-variable-value-42";
  urls: Record<Host, string> = { collection: "", release: "", advsec: "" };
  /** Pull requests by "project/repo#id": commits, the last iteration's changes and each file's line blocks. */
  pulls = new Map<string, { head: string; base: string; iterations: number; changes: { path: string; changeType: string }[]; diffs: Record<string, { changeType: number; modifiedLineNumberStart: number; modifiedLinesCount: number }[]> }>();
  /** Threads and statuses as posted (POST …/threads, PATCH …/threads/{id}, POST …/statuses). */
  threads: { id: number; pr: string; status: number; filePath: string; line: number; content: string; patches: number }[] = [];
  statuses: { pr: string; state: string; description: string }[] = [];
  private servers: http.Server[] = [];

  constructor(o: FakeOptions = {}) {
    this.org = o.org ?? "fabrikam";
    this.pageSize = o.pageSize ?? 50;
    const specs = o.projects ?? [{ name: "payments", repos: 80 }, { name: "platform", repos: 70 }, { name: "restricted", repos: 50 }];
    let alertId = 1;
    let buildId = 1000;
    specs.forEach((spec, pi) => {
      const pid = guid(1, pi + 1);
      const repos: FakeRepo[] = Array.from({ length: spec.repos }, (_, i) => ({
        id: guid(2, pi * 10000 + i + 1), name: `svc-${String(i).padStart(3, "0")}`,
        defaultBranch: i === spec.repos - 1 ? null : i % 10 === 9 ? "refs/heads/master" : "refs/heads/main",
        isDisabled: i === 7, isFork: i % 25 === 24, size: 1000 + i, advsec: i % (o.advsecEvery ?? 3) !== 2,
      }));
      const p: FakeProject = {
        id: pid, name: spec.name, visibility: pi === 1 ? "public" : "private", repos, policies: [], buildDefinitions: [], releaseDefinitions: [],
        environments: [], builds: [], serviceEndpoints: [], variableGroups: [], secureFiles: [], permissions: {},
      };
      let policyId = 1;
      const policy = (type: string, settings: Record<string, any>, isBlocking = true) => p.policies.push({ id: policyId++, revision: 1, isEnabled: true, isBlocking, isDeleted: false, type: { id: type, displayName: type }, settings });
      if (pi === 0) {
        // Project-wide: every repository's main needs 2 approvals, creator vote does not count, votes reset on push.
        policy(MIN_REVIEWERS, { minimumApproverCount: 2, creatorVoteCounts: false, resetOnSourcePush: true, allowDownvotes: false, scope: [{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: null }] });
        policy(BUILD, { buildDefinitionId: 1, displayName: "ci", validDuration: 720, scope: [{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: repos[0].id }] });
        policy(MERGE_STRATEGY, { allowSquash: true, allowNoFastForward: false, scope: [{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: repos[1].id }] });
      } else {
        // Release branches only: does not protect main.
        policy(MIN_REVIEWERS, { minimumApproverCount: 1, creatorVoteCounts: true, resetOnSourcePush: false, scope: [{ refName: "refs/heads/release", matchKind: "Prefix", repositoryId: repos[0].id }] });
        policy(REQUIRED_REVIEWERS, { requiredReviewerIds: ["team-security"], scope: [{ matchKind: "DefaultBranch", repositoryId: repos[1].id }] });
        policy(COMMENTS, { scope: [{ matchKind: "DefaultBranch", repositoryId: repos[1].id }] });
        policy(MIN_REVIEWERS, { minimumApproverCount: 3, creatorVoteCounts: true, scope: [{ matchKind: "DefaultBranch", repositoryId: repos[2].id }] }, false);
      }
      repos.forEach((r, i) => {
        p.buildDefinitions.push({
          id: i + 1, name: `${r.name}-ci`, path: "\\", revision: 3, queueStatus: "enabled", url: `x/_apis/build/Definitions/${i + 1}`,
          _links: { web: { href: `https://dev.azure.com/${this.org}/${spec.name}/_build/definition?definitionId=${i + 1}` } },
          repository: { id: r.id, type: "TfsGit", name: r.name, defaultBranch: r.defaultBranch },
          process: { type: 2, yamlFilename: "azure-pipelines.yml" },
          triggers: [{ triggerType: "continuousIntegration", branchFilters: ["+main"] }, ...(i % 5 === 0 ? [{ triggerType: "pullRequest", forks: { enabled: true, allowSecrets: i % 10 === 0 } }] : [])],
        });
      });
      p.releaseDefinitions.push(
        { id: 1, name: "deploy-web", path: "\\", revision: 2, environments: [{ id: 1, name: "staging" }, { id: 2, name: "production" }], artifacts: [{ type: "Build", alias: "_ci" }], triggers: [{ triggerType: "artifactSource" }] },
        { id: 2, name: "deploy-db", path: "\\ops", revision: 1, environments: [{ id: 3, name: "production" }], artifacts: [{ type: "Git", alias: "db" }], triggers: [] },
      );
      ["dev", "production"].forEach((name, ei) => {
        const records = [0, 1, 2].map((k) => {
          const b = { id: buildId++, sourceVersion: `${(pi * 100 + ei * 10 + k).toString(16).padStart(40, "a")}`, sourceBranch: "refs/heads/main", repository: { id: repos[k].id, type: "TfsGit" } };
          p.builds.push(b);
          return { id: pi * 1000 + ei * 100 + k + 1, environmentId: ei + 1, planType: "Build", stageName: "deploy", jobName: "deploy", result: k === 2 ? "failed" : "succeeded",
            queueTime: "2025-01-01T00:00:00Z", startTime: "2025-01-01T00:01:00Z", finishTime: `2025-01-0${k + 1}T00:05:00Z`, definition: { id: k + 1, name: `${repos[k].name}-ci` }, owner: { id: b.id, name: `2025010${k}.1` } };
        });
        p.environments.push({ id: ei + 1, name, records });
      });
      p.serviceEndpoints.push(
        { id: guid(3, pi * 10 + 1), name: `${spec.name}-azure`, type: "azurerm", url: "https://management.azure.com/", isShared: false, isReady: true, owner: "library",
          authorization: { scheme: "ServicePrincipal", parameters: { serviceprincipalid: "abc", serviceprincipalkey: this.secretValue, tenantid: "t" } }, data: { subscriptionId: "s" } },
        { id: guid(3, pi * 10 + 2), name: `${spec.name}-github`, type: "github", url: "https://github.com", isShared: pi === 0, isReady: true, owner: "library",
          authorization: { scheme: "PersonalAccessToken", parameters: { accessToken: this.secretValue } } },
      );
      p.variableGroups.push(
        { id: pi * 10 + 1, name: "common", type: "Vsts", variables: { region: { value: "westeurope" }, apiKey: { isSecret: true, value: this.secretValue } } },
        { id: pi * 10 + 2, name: "plain", type: "Vsts", variables: { a: { value: "1" } } },
      );
      p.secureFiles.push({ id: guid(4, pi + 1), name: "signing.p12", properties: { password: this.secretValue } });
      p.permissions[`endpoint/${guid(3, pi * 10 + 1)}`] = true;
      p.permissions[`endpoint/${guid(3, pi * 10 + 2)}`] = false;
      p.permissions[`variablegroup/${pi * 10 + 1}`] = pi === 0;
      p.permissions[`variablegroup/${pi * 10 + 2}`] = false;
      p.permissions[`securefile/${guid(4, pi + 1)}`] = true;
      this.projects.push(p);
      for (const [ri, r] of repos.entries()) {
        if (!r.advsec) continue;
        const n = ri === 0 ? 120 : o.alertsPerRepo ?? 3;
        for (let k = 0; k < n; k++) this.alerts.push({ repoId: r.id, modifiedAt: Date.now() - 86400_000, alert: this.makeAlert(alertId++, k) });
      }
    });
  }

  private makeAlert(id: number, k: number): Record<string, any> {
    const type = ["dependency", "secret", "code"][k % 3];
    const state = k % 7 === 5 ? "fixed" : k % 7 === 6 ? "dismissed" : "active";
    const severity = ["critical", "high", "medium", "low"][k % 4];
    const rule = type === "dependency" ? { opaqueId: `GHSA-abcd-efgh-${String(id % 10000).padStart(4, "0")}`, friendlyName: "Prototype pollution in lodash" }
      : type === "secret" ? { opaqueId: "AzureDevOpsPAT", friendlyName: "Azure DevOps personal access token" }
      : { opaqueId: "js/sql-injection", friendlyName: "Database query built from user-controlled sources", tags: ["security", "external/cwe/cwe-089"] };
    return {
      alertId: id, alertType: type, state, severity, title: rule.friendlyName, confidence: "high", gitRef: "refs/heads/main",
      firstSeenDate: "2025-01-01T00:00:00Z", lastSeenDate: "2025-02-01T00:00:00Z", introducedDate: "2025-01-01T00:00:00Z",
      fixedDate: state === "fixed" ? "2025-02-02T00:00:00Z" : null,
      dismissal: state === "dismissed" ? { dismissalId: id, dismissalType: "falsePositive", message: "test data", stateChangedDate: "2025-02-03T00:00:00Z" } : null,
      tools: [{ name: type === "code" ? "CodeQL" : type === "secret" ? "SecretScanning" : "DependencyScanning", rules: [rule] }],
      physicalLocations: [{ filePath: type === "dependency" ? "package-lock.json" : `src/file${k}.js`, region: { lineStart: 10 + k, lineEnd: 12 + k, columnStart: 1, columnEnd: 5 }, versionControl: { commitHash: "c0ffee" } }],
      logicalLocations: type === "dependency" ? [{ fullyQualifiedName: "npm/lodash@4.17.20", kind: "package" }] : [],
      ...(type === "secret" ? { truncatedSecret: "adop****", validityDetails: { validityStatus: "active" } } : {}),
    };
  }

  project(name: string): FakeProject { return this.projects.find((p) => p.name === name)!; }
  repo(project: string, name: string): FakeRepo { return this.project(project).repos.find((r) => r.name === name)!; }
  alertsOf(repoId: string): FakeAlert[] { return this.alerts.filter((a) => a.repoId === repoId); }
  /** Changes an alert at the source (stamps it modified now). */
  updateAlert(alertId: number, patch: Record<string, any>): void {
    const a = this.alerts.find((x) => x.alert.alertId === alertId)!;
    Object.assign(a.alert, patch);
    a.modifiedAt = Date.now();
  }

  async start(): Promise<this> {
    for (const host of ["collection", "release", "advsec"] as Host[]) {
      const server = http.createServer((req, res) => void this.route(host, req, res).catch((err) => { res.statusCode = 500; res.end(String(err)); }));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      this.servers.push(server);
      this.urls[host] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${this.org}`;
    }
    return this;
  }

  get url(): string { return this.urls.collection; }

  async stop(): Promise<void> {
    for (const s of this.servers) { s.closeAllConnections(); await new Promise<void>((r) => s.close(() => r())); }
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-ratelimit-resource": "Core", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  }

  /** One page of a list: `{count, value}` plus x-ms-continuationtoken when more follow. */
  private page(res: http.ServerResponse, u: URL, items: unknown[]) {
    const start = Number(u.searchParams.get("continuationToken") ?? 0);
    const top = Math.min(this.pageSize, Number(u.searchParams.get("$top") ?? u.searchParams.get("top") ?? this.pageSize) || this.pageSize);
    const value = items.slice(start, start + top);
    const headers: Record<string, string> = {};
    if (start + top < items.length) headers["x-ms-continuationtoken"] = String(start + top);
    this.send(res, 200, { count: value.length, value }, headers);
  }

  private async route(host: Host, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization ?? null;
    const log: RequestLog = { host, method: req.method ?? "GET", path: `${u.pathname}${u.search}`, status: 200, authorization: auth };
    this.requests.push(log);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => { log.status = status; this.send(res, status, body, headers); };
    if (auth !== `Basic ${Buffer.from(`:${this.pat}`).toString("base64")}` && auth !== `Basic ${Buffer.from(`PAT:${this.pat}`).toString("base64")}`) {
      return reply(401, { message: "TF400813: The user is not authorized to access this resource." });
    }
    const fault = this.faults.find((f) => (f.times ?? 1) > 0 && f.match({ host, path: log.path }));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      return reply(fault.status, { message: fault.status === 429 ? "TF400733: Request was blocked due to exceeding usage of resource" : "Service Unavailable" },
        fault.retryAfter != null ? { "retry-after": String(fault.retryAfter) } : {});
    }
    const parts = u.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== this.org) return reply(404, { message: "organization not found" });
    const body = req.method === "POST" || req.method === "PATCH"
      ? await new Promise<any>((done) => { let b = ""; req.on("data", (c) => (b += c)); req.on("end", () => { try { done(JSON.parse(b || "null")); } catch { done(null); } }); })
      : null;
    const rest = parts.slice(1);
    // Location negotiation (the library): OPTIONS _apis/{area}, GET _apis/ResourceAreas.
    if (req.method === "OPTIONS" && rest[0] === "_apis") {
      const area = rest[1]?.toLowerCase();
      if (area === "location") {
        return reply(200, { count: 1, value: [{ id: "e81700f7-3be2-46de-8624-2eb35882fcaa", area: "Location", resourceName: "ResourceAreas", routeTemplate: "_apis/{resource}/{areaId}", resourceVersion: 1, minVersion: "3.2", maxVersion: "7.2", releasedVersion: "0.0" }] });
      }
      return reply(200, { count: 0, value: [] });
    }
    if (host === "collection" && rest[0] === "_apis" && rest[1]?.toLowerCase() === "resourceareas") {
      return reply(200, { count: 2, value: [
        { id: RELEASE_AREA, name: "Release", locationUrl: `${this.urls.release}/` },
        { id: ALERT_AREA, name: "Alert", locationUrl: `${this.urls.advsec}/` },
      ] });
    }
    if (host === "collection" && rest[0] === "_apis" && rest[1] === "projects") {
      return this.page(res, u, this.projects.map((p) => ({ id: p.id, name: p.name, state: "wellFormed", visibility: p.visibility, url: `${this.urls.collection}/_apis/projects/${p.id}` })));
    }
    if (host === "advsec" && rest[0] === "_apis" && rest.slice(1, 3).join("/") === "management/enablement") {
      return reply(200, { enableOnCreate: false, reposEnablementStatus: this.projects.flatMap((p) => p.repos.map((r) => ({ projectId: p.id, repositoryId: r.id, advSecEnabled: r.advsec }))) });
    }
    const p = this.projects.find((x) => x.name === rest[0] || x.id === rest[0]);
    if (!p || rest[1] !== "_apis") return reply(404, { message: `not found: ${u.pathname}` });
    if (this.denied.has(p.name)) return reply(403, { message: `TF401019: access denied to project ${p.name}` });
    const r = rest.slice(2).join("/");
    log.status = 200;
    if (host === "collection") {
      const pull = /^git\/repositories\/([^/]+)\/pullrequests\/(\d+)(?:\/(.*))?$/i.exec(r);
      if (pull) return this.pullRequest(p, pull[1], Number(pull[2]), (pull[3] ?? "").toLowerCase(), req.method ?? "GET", body, u, reply);
      const diffs = /^git\/repositories\/([^/]+)\/filediffs$/i.exec(r);
      if (diffs && req.method === "POST") {
        const prs = [...this.pulls.entries()].filter(([k]) => k.startsWith(`${p.name}/${diffs[1]}#`)).map(([, v]) => v);
        const pr = prs.find((x) => x.head === body?.targetVersionCommit && x.base === body?.baseVersionCommit);
        if (!pr) return reply(404, { message: "TF401175: The version descriptor could not be resolved" });
        return reply(200, (body.fileDiffParams as { path: string }[]).map((f) => ({ path: f.path, originalPath: f.path, lineDiffBlocks: pr.diffs[f.path] ?? [] })));
      }
      if (r === "git/repositories") {
        return this.page(res, u, p.repos.map((x) => ({ id: x.id, name: x.name, defaultBranch: x.defaultBranch ?? undefined, isDisabled: x.isDisabled, isFork: x.isFork, isInMaintenance: false, size: x.size,
          project: { id: p.id, name: p.name, visibility: p.visibility }, webUrl: `https://dev.azure.com/${this.org}/${p.name}/_git/${x.name}`, remoteUrl: `https://${this.org}@dev.azure.com/${this.org}/${p.name}/_git/${x.name}` })));
      }
      if (r === "policy/configurations") return this.page(res, u, p.policies);
      if (r === "build/definitions") return this.page(res, u, p.buildDefinitions);
      if (r === "build/builds") {
        const ids = new Set((u.searchParams.get("buildIds") ?? "").split(",").map(Number));
        return reply(200, { count: ids.size, value: p.builds.filter((b) => ids.has(b.id)) });
      }
      if (r === "pipelines/environments") return this.page(res, u, p.environments.map((e) => ({ id: e.id, name: e.name, project: { id: p.id } })));
      const rec = /^pipelines\/environments\/(\d+)\/environmentdeploymentrecords$/.exec(r);
      if (rec) return reply(200, { count: 3, value: p.environments.find((e) => e.id === Number(rec[1]))?.records ?? [] });
      if (r === "serviceendpoint/endpoints") return this.page(res, u, p.serviceEndpoints);
      if (r === "distributedtask/variablegroups") return this.page(res, u, p.variableGroups);
      if (r === "distributedtask/securefiles") return this.page(res, u, p.secureFiles);
      const perm = /^pipelines\/pipelinepermissions\/(endpoint|variablegroup|securefile)\/(.+)$/.exec(r);
      if (perm) {
        const key = `${perm[1]}/${perm[2]}`;
        if (!(key in p.permissions)) return reply(404, { message: "resource not found" });
        return reply(200, { resource: { type: perm[1], id: perm[2] }, pipelines: [], allPipelines: p.permissions[key] ? { authorized: true, authorizedBy: null, authorizedOn: "2025-01-01T00:00:00Z" } : null });
      }
    }
    if (host === "release" && r === "release/definitions") return this.page(res, u, p.releaseDefinitions);
    const al = /^alert\/repositories\/([^/]+)\/alerts$/.exec(r);
    if (host === "advsec" && al) {
      const repo = p.repos.find((x) => x.name === al[1] || x.id === al[1]);
      if (!repo) return reply(404, { message: "repository not found" });
      if (!repo.advsec) return reply(403, { message: "Advanced Security is not enabled for this repository" });
      const since = u.searchParams.get("criteria.modifiedSince");
      const list = this.alertsOf(repo.id).filter((a) => !since || a.modifiedAt >= Date.parse(since)).map((a) => a.alert);
      return this.page(res, u, list);
    }
    return reply(404, { message: `no route ${host} ${u.pathname}` });
  }

  private pullRequest(p: FakeProject, repo: string, id: number, sub: string, method: string, body: any, u: URL, reply: (s: number, b: unknown) => void) {
    const key = `${p.name}/${repo}#${id}`;
    const pr = this.pulls.get(key);
    if (!pr) return reply(404, { message: `TF401180: The requested pull request was not found.` });
    if (method === "GET" && sub === "") return reply(200, { pullRequestId: id, status: "active", lastMergeSourceCommit: { commitId: pr.head }, lastMergeTargetCommit: { commitId: pr.base } });
    if (method === "GET" && sub === "iterations") return reply(200, { count: pr.iterations, value: Array.from({ length: pr.iterations }, (_, i) => ({ id: i + 1 })) });
    const ch = /^iterations\/(\d+)\/changes$/.exec(sub);
    if (method === "GET" && ch) {
      if (Number(ch[1]) !== pr.iterations) return reply(200, { changeEntries: [] });
      const skip = Number(u.searchParams.get("$skip") ?? 0), top = Number(u.searchParams.get("$top") ?? 100);
      const entries = pr.changes.slice(skip, skip + top).map((c, i) => ({ changeTrackingId: skip + i + 1, changeType: c.changeType, item: { path: c.path } }));
      return reply(200, { changeEntries: entries, ...(skip + top < pr.changes.length ? { nextSkip: skip + top, nextTop: top } : {}) });
    }
    if (method === "POST" && sub === "threads") {
      const t = { id: this.threads.length + 1, pr: key, status: body.status, filePath: body.threadContext?.filePath, line: body.threadContext?.rightFileStart?.line, content: body.comments?.[0]?.content ?? "", patches: 0 };
      this.threads.push(t);
      return reply(200, { id: t.id, status: t.status });
    }
    const th = /^threads\/(\d+)$/.exec(sub);
    if (method === "PATCH" && th) {
      const t = this.threads.find((x) => x.id === Number(th[1]) && x.pr === key);
      if (!t) return reply(404, { message: "thread not found" });
      if (body?.status != null) t.status = body.status;
      t.patches++;
      return reply(200, { id: t.id, status: t.status });
    }
    if (method === "POST" && sub === "statuses") {
      this.statuses.push({ pr: key, state: body.state, description: body.description });
      return reply(201, { id: this.statuses.length, state: body.state });
    }
    return reply(404, { message: `no pull request route ${sub}` });
  }
}
