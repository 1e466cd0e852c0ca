import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { seedDemo } from "../scripts/demo/seed";
import { scoreOf, upsertResources } from "./helpers/cloud";

const PATHS = `query($filter: ExposurePathFilter, $first: Int, $after: String) {
  exposurePaths(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { repository { fullName } pipeline { name } environment { name } resource { name internetExposed } via commit maxScore
            openFindings { critical high medium low info total } topFindings { severity priority { score } } }
  }
}`;

type PathNode = { repository: { fullName: string }; pipeline: { name: string } | null; environment: { name: string } | null; resource: { name: string; internetExposed: boolean };
  via: string[]; commit: string | null; maxScore: number; openFindings: Record<string, number>; topFindings: { severity: string; priority: { score: number } }[] };

const chain = (n: PathNode) => [n.repository.fullName, n.pipeline?.name ?? null, n.environment?.name ?? null, n.resource.name].join(" → ");

describe("exposurePaths and environment mappings on the demo estate", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await seedDemo(app.db.dataSource, app.services.findingStore);
  });
  after(async () => { await app?.stop(); });

  test("the chains a person would draw: repository → pipeline → environment → internet-exposed resource", async () => {
    const r = await app.gql(PATHS, { first: 50 });
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    const nodes: PathNode[] = r.body.data.exposurePaths.nodes;
    const chains = nodes.map(chain).sort();
    assert.deepEqual(chains, [
      "acme/api → CI → production → api-production",
      "acme/checkout → CI → production → checkout-production",
      "acme/gateway → CI → production → gateway-production",
      "acme/identity → CI → production → identity-production",
      "acme/web → CI → production → web-production",
      "fabrikam/payments/payments-api → payments-api-ci → production → payments-api-production",
    ]);
    assert.equal(r.body.data.exposurePaths.totalCount, 6);
    const api = nodes.find((n) => n.repository.fullName === "acme/api")!;
    assert.deepEqual(api.via, ["deployment", "iac-tag", "image-digest"], "three independent pieces of evidence");
    assert.match(api.commit ?? "", /^[0-9a-f]{40}$/);
    assert.ok(api.openFindings.total > 0 && api.topFindings.length > 0 && api.topFindings.length <= 5);
    assert.equal(api.topFindings[0].priority.score, api.maxScore);
    for (let i = 1; i < nodes.length; i++) assert.ok(nodes[i - 1].maxScore >= nodes[i].maxScore, "most urgent first");
    for (const n of nodes) assert.equal(n.openFindings.total, n.openFindings.critical + n.openFindings.high + n.openFindings.medium + n.openFindings.low + n.openFindings.info);
  });

  test("internet-exposed resources running code with a critical finding: one query; pages with a keyset cursor", async () => {
    const r = await app.gql(PATHS, { filter: { severity: ["CRITICAL"] }, first: 50 });
    const nodes: PathNode[] = r.body.data.exposurePaths.nodes;
    assert.ok(nodes.length > 0);
    for (const n of nodes) {
      assert.ok(n.openFindings.critical > 0 && n.openFindings.total === n.openFindings.critical);
      assert.ok(n.topFindings.every((f) => f.severity === "CRITICAL"));
      assert.equal(n.resource.internetExposed, true);
    }
    const p1 = await app.gql(PATHS, { first: 2 });
    const p2 = await app.gql(PATHS, { first: 2, after: p1.body.data.exposurePaths.pageInfo.endCursor });
    const p3 = await app.gql(PATHS, { first: 50, after: p2.body.data.exposurePaths.pageInfo.endCursor });
    const paged = [...p1.body.data.exposurePaths.nodes, ...p2.body.data.exposurePaths.nodes, ...p3.body.data.exposurePaths.nodes].map(chain);
    const all = (await app.gql(PATHS, { first: 50 })).body.data.exposurePaths.nodes.map(chain);
    assert.deepEqual(paged, all);
    assert.equal(p3.body.data.exposurePaths.pageInfo.hasNextPage, false);
    const over = await app.gql(PATHS, { first: 1000 });
    assert.equal(over.body.errors[0].extensions.code, "LIMIT_EXCEEDED");
    const none = await app.gql(PATHS, { filter: { minScore: 100 } });
    assert.deepEqual(none.body.data.exposurePaths.nodes, []);
  });

  test("an environment mapping rule links environments to resources by tag; removing it removes the links", async () => {
    await upsertResources(app, [{ provider: "AWS", type: "AWS::ElasticLoadBalancingV2::LoadBalancer", externalId: "arn:aws:elb:1:lb/search-edge", name: "search-edge",
      internetExposed: true, environment: "production", criticality: "HIGH", tags: [{ key: "service", value: "search" }] }], { source: "edge" });
    const before = await app.gql(`{ repository(fullName: "acme/search") { deployedTo { name } } }`);
    assert.deepEqual(before.body.data.repository.deployedTo.map((d: { name: string }) => d.name).includes("search-edge"), false);
    const searchBefore = (await app.gql(PATHS, { first: 50 })).body.data.exposurePaths.nodes.map(chain);
    assert.ok(!searchBefore.some((c: string) => c.startsWith("acme/search")));

    const rule = await app.gql(`mutation { upsertEnvironmentMappingRule(input: {environmentName: "prod*", tagKey: "service", tagValue: "{repository}"}) { id environmentName tagKey tagValue } }`);
    assert.equal(rule.body.errors, undefined, JSON.stringify(rule.body.errors));
    const paths = (await app.gql(PATHS, { first: 50 })).body.data.exposurePaths.nodes.map(chain);
    assert.ok(paths.includes("acme/search → CI → production → search-edge"), paths.join("\n"));
    const src = await app.gql(`{ cloudResources(first: 50) { nodes { name sources { repository { fullName } environment { name } kind evidence confidence } } } }`);
    const edge = src.body.data.cloudResources.nodes.find((n: { name: string }) => n.name === "search-edge");
    assert.deepEqual(edge.sources.map((s: any) => [s.repository.fullName, s.environment.name, s.kind]), [["acme/search", "production", "deployment"]]);
    assert.match(edge.sources[0].evidence, /deployment of [0-9a-f]{7} to production \(mapping rule/);
    assert.equal(edge.sources[0].confidence, 0.8);

    // A resource uploaded later is evaluated against the rule too.
    await upsertResources(app, [{ provider: "AWS", type: "AWS::CloudFront::Distribution", externalId: "cf/billing", name: "billing-cdn", internetExposed: true, tags: [{ key: "service", value: "billing" }] }], { source: "edge" });
    const billing = await app.gql(`{ repository(fullName: "acme/billing") { deployedTo { name } } }`);
    assert.deepEqual(billing.body.data.repository.deployedTo, [], "acme/billing has no production environment: no link");

    const del = await app.gql(`mutation($id: ID!) { deleteEnvironmentMappingRule(id: $id) }`, { id: rule.body.data.upsertEnvironmentMappingRule.id });
    assert.equal(del.body.data.deleteEnvironmentMappingRule, true);
    const after = (await app.gql(PATHS, { first: 50 })).body.data.exposurePaths.nodes.map(chain);
    assert.ok(!after.some((c: string) => c.startsWith("acme/search")));
  });

  test("setEnvironmentResources: explicit links for the repositories deploying there, and their findings rescored", async () => {
    const env = await app.gql(`{ repository(fullName: "acme/admin-portal") { environments { id name } deployedTo { name } } cloudResources(first: 50) { nodes { id name } } }`);
    const staging = env.body.data.repository.environments.find((e: { name: string }) => e.name === "staging");
    const edge = env.body.data.cloudResources.nodes.find((n: { name: string }) => n.name === "search-edge");
    const before = (await app.gql(`{ findings(first: 1, filter: {repository: ["acme/admin-portal"], state: [OPEN]}) { nodes { ruleId } } }`)).body.data.findings.nodes[0];
    const s0 = await scoreOf(app, "acme/admin-portal", before.ruleId);
    const set = await app.gql(`mutation($e: ID!, $r: [ID!]!) { setEnvironmentResources(environment: $e, resources: $r) { name } }`, { e: staging.id, r: [edge.id] });
    assert.equal(set.body.errors, undefined, JSON.stringify(set.body.errors));
    const after = await app.gql(`{ repository(fullName: "acme/admin-portal") { deployedTo { name } } }`);
    assert.ok(after.body.data.repository.deployedTo.some((d: { name: string }) => d.name === "search-edge"));
    assert.ok((await scoreOf(app, "acme/admin-portal", before.ruleId)).priority.score > s0.priority.score, "now reaches an internet-exposed resource");
    const t = await app.gql(`mutation { createApiToken(input: {name: "w", scopes: [READ, WRITE]}) { token } }`);
    const denied = await app.gql(`mutation($e: ID!) { setEnvironmentResources(environment: $e, resources: []) { name } }`, { e: staging.id }, t.body.data.createApiToken.token);
    assert.equal(denied.body.errors[0].extensions.code, "FORBIDDEN");
  });
});
