import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { startTestApp, TestApp } from "../helpers/app";
import { mentions, seedTenant, Tenant } from "../helpers/tenants";
import { Scope } from "../../src/common/types";
import { toGlobalId } from "../../src/common/ids";

/**
 * Every root field of the served schema has a rule here: the scope it needs
 * (or "any" valid token), whether it is for unrestricted tokens only, and a
 * call that exercises it (nested relations and aggregates included). A field
 * added to the schema without a row fails the first test.
 */
interface Rule {
  scope: Scope | "any";
  /** Allowed with any one of these scopes (overrides scope). */
  anyOf?: Scope[];
  unrestrictedOnly?: boolean;
  /** The error an allowed call gets once it reaches the resolver (the seed has no source to talk to); anything else but FORBIDDEN fails. */
  reaches?: string;
  query: string;
  variables?: (ctx: Ctx) => Promise<Record<string, unknown>> | Record<string, unknown>;
}
interface Ctx { app: TestApp; a: Tenant; b: Tenant }

const FINDING_FIELDS = "id title severity state ruleId tool location { path } repository { id fullName } organization { id name } rule { id ruleId tool name }";
const MATRIX: Record<string, Rule> = {
  "Query.viewer": { scope: "any", query: "{ viewer { name scopes organizations { id name } } }" },
  // Replays the whole log (cursor at sequence 0), so an organization-limited token would show any leak.
  "Subscription.findingEvents": {
    scope: Scope.READ,
    query: `subscription($after: String) { findingEvents(after: $after) { cursor type finding { ${FINDING_FIELDS} } ocsf } }`,
    variables: () => ({ after: Buffer.from("FindingEvent:0", "utf8").toString("base64url") }),
  },
  "Query.organizations": { scope: Scope.READ, query: "{ organizations(first: 50) { totalCount nodes { id name provider url projects { id name } repositories(first: 20) { totalCount nodes { id fullName } } } } }" },
  "Query.repositories": {
    scope: Scope.READ,
    query: `{ repositories(first: 10) { totalCount edges { cursor node { id fullName organization { id name } project { id name } openFindingCount
      pipelines { id name organization { id } } environments { id name } deployedTo { id name } findings(first: 10) { totalCount nodes { ${FINDING_FIELDS} } } } } } }`,
  },
  "Query.repository": { scope: Scope.READ, query: "query($n: String!) { repository(fullName: $n) { id fullName } }", variables: ({ a }) => ({ n: a.repoFullName }) },
  "Query.pipelines": { scope: Scope.READ, query: "{ pipelines(first: 50) { totalCount nodes { id name repository { id fullName } organization { id name } } } }" },
  "Query.findings": { scope: Scope.READ, query: `{ findings(first: 50) { totalCount nodes { ${FINDING_FIELDS} } } }` },
  "Query.cloudResources": { scope: Scope.READ, query: "{ cloudResources(first: 50) { totalCount nodes { id name externalId } } }" },
  "Query.postureSummary": { scope: Scope.READ, query: "{ postureSummary { totalFindings openFindings bySeverity { severity count } byState { state count } } }" },
  "Query.connectors": { scope: Scope.ADMIN, query: "{ connectors(first: 50) { totalCount nodes { id organization url devopsOrganization { id name } } } }" },
  "Query.syncRuns": { scope: Scope.READ, query: "{ syncRuns(first: 50) { totalCount nodes { id status connector { id organization } } } }" },
  "Query.importRuns": { scope: Scope.READ, query: "{ importRuns(first: 50) { totalCount nodes { id format repository { id fullName } } } }" },
  "Query.node": { scope: Scope.READ, query: "query($id: ID!) { node(id: $id) { id ... on Repository { fullName } } }", variables: ({ a }) => ({ id: toGlobalId("Repository", a.repoId) }) },
  "Query.nodes": { scope: Scope.READ, query: "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", variables: ({ a }) => ({ ids: a.globalIds }) },
  "Query.apiTokens": { scope: Scope.ADMIN, query: "{ apiTokens { id name prefix scopes } }" },
  "Query.auditLog": { scope: Scope.ADMIN, unrestrictedOnly: true, query: "{ auditLog(first: 10) { totalCount nodes { id tokenName fields result } } }" },
  "Mutation.createApiToken": {
    scope: Scope.ADMIN,
    query: "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id scopes } } }",
    variables: ({ a }) => ({ input: { name: "matrix", scopes: ["READ"], organizations: [toGlobalId("DevOpsOrganization", a.orgId)] } }),
  },
  "Mutation.revokeApiToken": {
    scope: Scope.ADMIN,
    query: "mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }",
    variables: async ({ app, a }) => ({ id: (await app.services.tokens.create({ name: "victim", scopes: [Scope.READ], organizationIds: [a.orgId] })).apiToken.nodeId }),
  },
  "Mutation.createConnector": {
    scope: Scope.ADMIN, unrestrictedOnly: true,
    query: "mutation($input: CreateConnectorInput!) { createConnector(input: $input) { id hasCredentials } }",
    // Loopback URL: nothing here may reach the internet.
    variables: () => ({ input: { provider: "GITHUB", organization: `matrix-${++seq}`, url: "http://127.0.0.1:9", token: "ghp_matrix", enabled: false } }),
  },
  "Mutation.updateConnector": {
    scope: Scope.ADMIN, unrestrictedOnly: true,
    query: "mutation($input: UpdateConnectorInput!) { updateConnector(input: $input) { id enabled } }",
    variables: ({ a }) => ({ input: { id: toGlobalId("Connector", a.connectorId), enabled: false } }),
  },
  "Mutation.deleteConnector": {
    scope: Scope.ADMIN, unrestrictedOnly: true,
    query: "mutation($id: ID!) { deleteConnector(id: $id) }",
    variables: async ({ app }) => ({ id: toGlobalId("Connector", (await app.db.dataSource.query(
      "INSERT INTO connector (provider, organization, url) VALUES ('GITHUB', $1, 'http://127.0.0.1:9') RETURNING id", [`doomed-${++seq}`]))[0].id) }),
  },
  // The seeded connector has no credentials: allowed callers get past authorization to "no connector syncs its organization".
  "Query.pullRequestAnnotations": {
    scope: Scope.READ, reaches: "BAD_USER_INPUT",
    query: "query($r: String!) { pullRequestAnnotations(repository: $r, pullRequest: 1) { path startLine finding { id } } }",
    variables: ({ a }) => ({ r: a.repoFullName }),
  },
  "Mutation.annotatePullRequest": {
    scope: Scope.WRITE, reaches: "BAD_USER_INPUT",
    query: "mutation($r: String!) { annotatePullRequest(repository: $r, pullRequest: 1) { posted updated resolved } }",
    variables: ({ a }) => ({ r: a.repoFullName }),
  },
  // Webhooks are estate-wide administration. A private target is refused by default, so create reaches its URL check;
  // the others name a webhook or delivery that does not exist.
  "Query.webhooks": { scope: Scope.ADMIN, unrestrictedOnly: true, query: "{ webhooks(first: 5) { totalCount nodes { id url events enabled } } }" },
  "Query.webhookDeliveries": {
    scope: Scope.ADMIN, unrestrictedOnly: true, reaches: "NOT_FOUND",
    query: "query($w: ID!) { webhookDeliveries(webhook: $w, first: 5) { totalCount nodes { id status attempts } } }",
    variables: () => ({ w: toGlobalId("Webhook", "00000000-0000-4000-8000-000000000000") }),
  },
  "Mutation.createWebhook": {
    scope: Scope.ADMIN, unrestrictedOnly: true, reaches: "BAD_USER_INPUT",
    query: "mutation { createWebhook(input: { url: \"http://127.0.0.1:9/hook\" }) { secret webhook { id } } }",
  },
  "Mutation.updateWebhook": {
    scope: Scope.ADMIN, unrestrictedOnly: true, reaches: "NOT_FOUND",
    query: "mutation($w: ID!) { updateWebhook(input: { id: $w, enabled: false }) { webhook { id } } }",
    variables: () => ({ w: toGlobalId("Webhook", "00000000-0000-4000-8000-000000000000") }),
  },
  "Mutation.deleteWebhook": {
    scope: Scope.ADMIN, unrestrictedOnly: true, reaches: "NOT_FOUND",
    query: "mutation($w: ID!) { deleteWebhook(id: $w) }",
    variables: () => ({ w: toGlobalId("Webhook", "00000000-0000-4000-8000-000000000000") }),
  },
  "Mutation.redeliverWebhook": {
    scope: Scope.ADMIN, unrestrictedOnly: true, reaches: "NOT_FOUND",
    query: "mutation($d: ID!) { redeliverWebhook(delivery: $d) { id } }",
    variables: () => ({ d: toGlobalId("WebhookDelivery", "00000000-0000-4000-8000-000000000000") }),
  },
  "Mutation.triggerSync": {
    scope: Scope.ADMIN, unrestrictedOnly: true,
    query: "mutation($id: ID!) { triggerSync(connectorId: $id) { id status } }",
    variables: ({ a }) => ({ id: toGlobalId("Connector", a.connectorId) }),
  },
  "Mutation.ingestSarif": {
    scope: Scope.INGEST,
    query: "mutation($input: IngestSarifInput!) { ingestSarif(input: $input) { status results } }",
    variables: ({ a }) => ({ input: { repository: a.repoFullName, category: "matrix", sarif: { version: "2.1.0", runs: [{ tool: { driver: { name: "matrix" } }, results: [] }] } } }),
  },
  "Mutation.ingestCycloneDx": {
    scope: Scope.INGEST,
    query: "mutation($input: IngestCycloneDxInput!) { ingestCycloneDx(input: $input) { status results } }",
    variables: ({ a }) => ({ input: { repository: a.repoFullName, category: "matrix-sbom", bom: { bomFormat: "CycloneDX", specVersion: "1.5", version: 1, components: [] } } }),
  },
  "Query.exposurePaths": {
    scope: Scope.READ,
    query: "{ exposurePaths(first: 10) { totalCount nodes { repository { id fullName } pipeline { id } environment { id } resource { id name } openFindings { total } topFindings { id } } } }",
  },
  "Query.priorityPolicy": { scope: Scope.READ, query: "{ priorityPolicy { version isDefault } }" },
  "Query.environmentMappingRules": { scope: Scope.READ, query: "{ environmentMappingRules { id environmentName tagKey } }" },
  "Mutation.upsertCloudResources": {
    scope: Scope.WRITE,
    query: "mutation($input: [CloudResourceInput!]!) { upsertCloudResources(input: $input, source: \"matrix\") { created updated } }",
    variables: ({ a }) => ({ input: [{ provider: "AWS", type: "AWS::S3::Bucket", externalId: `matrix-${++seq}`, name: "matrix-bucket", organization: toGlobalId("DevOpsOrganization", a.orgId) }] }),
  },
  "Mutation.recordBuildArtifact": {
    scope: Scope.INGEST, anyOf: [Scope.INGEST, Scope.WRITE],
    query: "mutation($input: BuildArtifactInput!) { recordBuildArtifact(input: $input) { id commitSha } }",
    variables: ({ a }) => ({ input: { repository: a.repoFullName, commit: "0123abc", imageName: "ghcr.io/matrix/app", imageDigest: `sha256:${String(++seq).padStart(64, "0")}` } }),
  },
  "Mutation.setEnvironmentResources": {
    scope: Scope.ADMIN,
    query: "mutation($e: ID!, $r: [ID!]!) { setEnvironmentResources(environment: $e, resources: $r) { id name } }",
    variables: async ({ app, a }) => {
      const [env] = await app.db.dataSource.query("SELECT id FROM environment WHERE organization_id = $1 LIMIT 1", [a.orgId]);
      const [res] = await app.db.dataSource.query("SELECT id FROM cloud_resource WHERE organization_id = $1 AND name NOT LIKE 'matrix%' LIMIT 1", [a.orgId]);
      return { e: toGlobalId("Environment", env.id), r: [toGlobalId("CloudResource", res.id)] };
    },
  },
  "Mutation.upsertEnvironmentMappingRule": {
    scope: Scope.ADMIN,
    query: "mutation($input: EnvironmentMappingRuleInput!) { upsertEnvironmentMappingRule(input: $input) { id } }",
    variables: ({ a }) => ({ input: { environmentName: `${a.key}-prod*`, tagKey: "service", tagValue: "{repository}" } }),
  },
  "Mutation.deleteEnvironmentMappingRule": {
    scope: Scope.ADMIN,
    query: "mutation($id: ID!) { deleteEnvironmentMappingRule(id: $id) }",
    variables: async ({ app, a }) => ({ id: toGlobalId("EnvironmentMappingRule", (await app.db.dataSource.query(
      "INSERT INTO environment_mapping_rule (organization_id, environment_name, tag_key) VALUES ($1, 'doomed', 'k') RETURNING id", [a.orgId]))[0].id) }),
  },
  "Mutation.updatePriorityPolicy": {
    scope: Scope.ADMIN, unrestrictedOnly: true,
    query: "mutation($p: JSON!) { updatePriorityPolicy(policy: $p) { version } }",
    variables: () => ({ p: { fixAvailable: 2 } }),
  },
  "Mutation.resetPriorityPolicy": { scope: Scope.ADMIN, unrestrictedOnly: true, query: "mutation { resetPriorityPolicy { version } }" },
};
let seq = 0;

interface Caller { name: string; scopes: Scope[]; limited: boolean; token: string }
let ctx: Ctx;
let callers: Caller[];
let rootFields: string[];

before(async () => {
  const app = await startTestApp({ rateLimit: { requestsPerMinute: 0, costPerMinute: 0, authFailuresPerMinute: 0 } });
  const a = await seedTenant(app.db.dataSource, "alpha");
  const b = await seedTenant(app.db.dataSource, "bravo");
  ctx = { app, a, b };
  const make = async (name: string, scopes: Scope[], limited: boolean): Promise<Caller> =>
    ({ name, scopes, limited, token: (await app.services.tokens.create({ name, scopes, organizationIds: limited ? [a.orgId] : null })).token });
  callers = [
    ...await Promise.all([Scope.READ, Scope.WRITE, Scope.INGEST, Scope.ADMIN].map((s) => make(`only-${s}`, [s], false))),
    await make("limited-to-A", [Scope.READ, Scope.WRITE, Scope.INGEST, Scope.ADMIN], true),
  ];
  // B's own token exists: a limited admin must not see it.
  await app.services.tokens.create({ name: "bravo-ci", scopes: [Scope.READ], organizationIds: [b.orgId] });
  const r = await app.gql("{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }");
  const s = r.body.data.__schema;
  rootFields = [
    ...s.queryType.fields.map((f: { name: string }) => `Query.${f.name}`),
    ...(s.mutationType?.fields ?? []).map((f: { name: string }) => `Mutation.${f.name}`),
    ...(s.subscriptionType?.fields ?? []).map((f: { name: string }) => `Subscription.${f.name}`),
  ];
});
after(() => ctx?.app.stop());

test("every root field of the served schema has a row in the matrix (and no row is stale)", () => {
  const missing = rootFields.filter((f) => !MATRIX[f]);
  assert.deepEqual(missing, [], `root fields without an authorization rule: ${missing.join(", ")}`);
  const stale = Object.keys(MATRIX).filter((f) => !rootFields.includes(f));
  assert.deepEqual(stale, [], `matrix rows for fields the schema no longer has: ${stale.join(", ")}`);
});

async function call(field: string, caller: Caller): Promise<{ status: number; body: any }> {
  const rule = MATRIX[field];
  const variables = rule.variables ? await rule.variables(ctx) : undefined;
  if (field.startsWith("Subscription.")) return subscribeOnce(rule.query, variables, caller.token);
  return ctx.app.gql(rule.query, variables, caller.token);
}

/** Subscriptions over graphql-ws: the first result, or after a quiet moment, "no error". */
async function subscribeOnce(query: string, variables: Record<string, unknown> | undefined, token: string): Promise<{ status: number; body: any }> {
  const client = createClient({ url: ctx.app.url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ status: 200, body: { data: {} } }), 500);
      client.subscribe({ query, variables }, {
        next: (v) => { clearTimeout(timer); resolve({ status: 200, body: v }); },
        error: (e) => { clearTimeout(timer); resolve({ status: 200, body: { errors: Array.isArray(e) ? e : [e] } }); },
        complete: () => undefined,
      });
    });
  } finally {
    await client.dispose();
  }
}

test("matrix: each scope alone and an organization-limited token: allowed calls work, the others are FORBIDDEN", async () => {
  const failures: string[] = [];
  for (const field of rootFields) {
    const rule = MATRIX[field];
    for (const caller of callers) {
      const scopeOk = rule.anyOf ? rule.anyOf.some((s) => caller.scopes.includes(s)) : rule.scope === "any" || caller.scopes.includes(rule.scope);
      const allowed = scopeOk && !(rule.unrestrictedOnly && caller.limited);
      const { body } = await call(field, caller);
      const codes = (body.errors ?? []).map((e: any) => e.extensions?.code);
      if (allowed && codes.length && !(rule.reaches && codes.every((c: string) => c === rule.reaches))) failures.push(`${field} as ${caller.name}: expected success, got ${JSON.stringify(body.errors)}`);
      if (!allowed && codes[0] !== "FORBIDDEN") failures.push(`${field} as ${caller.name}: expected FORBIDDEN, got ${JSON.stringify(body).slice(0, 300)}`);
      if (caller.limited) {
        const leak = mentions(body, ctx.b);
        if (leak) failures.push(`${field} as ${caller.name} mentions organization B (${leak}): ${JSON.stringify(body).slice(0, 300)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test("unrestricted read tokens see both organizations (the matrix queries do reach B's data)", async () => {
  const reader = callers.find((c) => c.name === "only-READ")!;
  for (const field of ["Query.organizations", "Query.repositories", "Query.findings", "Query.pipelines", "Query.syncRuns", "Query.importRuns", "Query.cloudResources"]) {
    const { body } = await call(field, reader);
    assert.ok(mentions(body, ctx.b), `${field} should show B to an unrestricted token`);
  }
});

test("a limited token gets nothing of B through B's IDs, names, filters and aggregates", async () => {
  const { app, a, b } = ctx;
  const limited = callers.find((c) => c.limited)!.token;
  const probes: [string, Record<string, unknown>][] = [
    ["query($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids: b.globalIds }],
    ["query($n: String!) { repository(fullName: $n) { id } }", { n: b.repoFullName }],
    ["query($o: [String!]) { findings(first: 50, filter: { organization: $o }) { totalCount nodes { id } } }", { o: [toGlobalId("DevOpsOrganization", b.orgId)] }],
    ["query($r: [String!]) { findings(first: 50, filter: { repository: $r }) { totalCount nodes { id } } }", { r: [b.repoFullName, toGlobalId("Repository", b.repoId)] }],
    ["query($o: [String!]) { repositories(first: 50, filter: { organization: $o }) { totalCount } pipelines(first: 5, filter: { organization: $o }) { totalCount } }", { o: [toGlobalId("DevOpsOrganization", b.orgId)] }],
    ["query($c: ID) { syncRuns(first: 50, connectorId: $c) { totalCount } }", { c: toGlobalId("Connector", b.connectorId) }],
    ["query($r: ID) { importRuns(first: 50, repository: $r) { totalCount } }", { r: toGlobalId("Repository", b.repoId) }],
    ["query($o: ID) { postureSummary(organization: $o) { totalFindings openFindings } }", { o: toGlobalId("DevOpsOrganization", b.orgId) }],
    ["query($r: String) { postureSummary(repository: $r) { totalFindings } }", { r: toGlobalId("Repository", b.repoId) }],
  ];
  for (const id of b.globalIds) probes.push(["query($id: ID!) { node(id: $id) { id __typename } }", { id }]);
  for (const [query, variables] of probes) {
    const { body } = await app.gql(query, variables, limited);
    assert.equal(mentions(body, b), null, `${query} leaked B: ${JSON.stringify(body)}`);
    assert.equal(body.errors, undefined, `${query}: ${JSON.stringify(body.errors)}`);
  }
  const nodes = await app.gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids: b.globalIds }, limited);
  assert.ok(nodes.body.data.nodes.every((n: unknown) => n === null));
  // B's repository name reads exactly like a repository that does not exist.
  const byName = await app.gql("query($r: String) { postureSummary(repository: $r) { totalFindings } }", { r: b.repoFullName }, limited);
  const unknown = await app.gql("query($r: String) { postureSummary(repository: $r) { totalFindings } }", { r: "nobody/nothing" }, limited);
  assert.equal(byName.body.errors?.[0]?.extensions?.code, "NOT_FOUND");
  assert.equal(byName.body.errors[0].message.replace(b.repoFullName, "X"), unknown.body.errors![0].message.replace("nobody/nothing", "X"));
  // Aggregates count A only, exactly.
  const sum = await app.gql("{ postureSummary { totalFindings } findings { totalCount } organizations { totalCount } }", undefined, limited);
  assert.deepEqual(sum.body.data, { postureSummary: { totalFindings: a.findingCount }, findings: { totalCount: a.findingCount }, organizations: { totalCount: 1 } });
  // Tokens: a limited admin sees and revokes only tokens within its organizations.
  const tokens = await app.gql("{ apiTokens { name } }", undefined, limited);
  assert.ok(tokens.body.data.apiTokens.every((t: { name: string }) => !["bravo-ci", "admin", "only-READ"].includes(t.name)));
  const adminRow = (await app.services.tokens.list({ organizationIds: null })).find((t) => t.name === "admin")!;
  const revoke = await app.gql("mutation($id: ID!) { revokeApiToken(id: $id) { id } }", { id: adminRow.nodeId }, limited);
  assert.equal(revoke.body.errors?.[0]?.extensions?.code, "NOT_FOUND");
  const wider = await app.gql("mutation { createApiToken(input: { name: \"wider\", scopes: [ADMIN] }) { token } }", undefined, limited);
  assert.equal(wider.body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
});

test("a limited token cannot write into B: ingest by B's name, B's ID or a new organization is refused, alike", async () => {
  const { app, b } = ctx;
  const limited = callers.find((c) => c.limited)!.token;
  const before = await app.db.dataSource.query("SELECT count(*)::int AS n FROM finding WHERE organization_id = $1", [b.orgId]);
  const sarif = { version: "2.1.0", runs: [{ tool: { driver: { name: "x", rules: [{ id: "r1" }] } }, results: [{ ruleId: "r1", message: { text: "m" }, locations: [{ physicalLocation: { artifactLocation: { uri: "a.ts" }, region: { startLine: 1 } } }] }] }] };
  const q = "mutation($input: IngestSarifInput!) { ingestSarif(input: $input) { status } }";
  const byName = await app.gql(q, { input: { repository: b.repoFullName, sarif } }, limited);
  const byId = await app.gql(q, { input: { repository: toGlobalId("Repository", b.repoId), sarif } }, limited);
  const fresh = await app.gql(q, { input: { repository: "someone-else/new-repo", sarif } }, limited);
  assert.equal(byName.body.errors?.[0]?.extensions?.code, "FORBIDDEN");
  assert.equal(fresh.body.errors?.[0]?.extensions?.code, "FORBIDDEN");
  assert.equal(byName.body.errors![0].message.replace(b.repoFullName, "X"), fresh.body.errors![0].message.replace("someone-else/new-repo", "X"), "B's repository reads like any other refused name");
  assert.ok(byId.body.errors?.length);
  const http = await app.fetch(`/ingest/sarif?repository=${encodeURIComponent(b.repoFullName)}`, { method: "POST", token: limited, headers: { "content-type": "application/json" }, body: JSON.stringify(sarif) });
  assert.equal(http.status, 403);
  assert.deepEqual(await app.db.dataSource.query("SELECT count(*)::int AS n FROM finding WHERE organization_id = $1", [b.orgId]), before);
});

test("HTTP endpoints outside GraphQL follow the same rules: /audit/export is for unrestricted admins", async () => {
  for (const caller of callers) {
    const res = await ctx.app.fetch("/audit/export", { token: caller.token });
    const allowed = caller.scopes.includes(Scope.ADMIN) && !caller.limited;
    assert.equal(res.status, allowed ? 200 : 403, caller.name);
    if (!allowed) assert.equal((await res.json() as any).error.code, "FORBIDDEN");
    else await res.text();
  }
  // /ingest/sarif: the ingest scope; other scopes are refused with 403 FORBIDDEN.
  const sarif = JSON.stringify({ version: "2.1.0", runs: [{ tool: { driver: { name: "http-matrix" } }, results: [] }] });
  for (const caller of callers) {
    const res = await ctx.app.fetch(`/ingest/sarif?repository=${encodeURIComponent(ctx.a.repoFullName)}&category=http-matrix`, { method: "POST", token: caller.token, headers: { "content-type": "application/json" }, body: sarif });
    assert.equal(res.status, caller.scopes.includes(Scope.INGEST) ? 200 : 403, `${caller.name}: ${await res.text()}`);
  }
});
