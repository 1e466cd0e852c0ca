import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { count } from "./helpers/ingest";
import { findingsOf, priorityEvents, sarif, scoreOf, uploadSarif, upsertResources, yor } from "./helpers/cloud";

const CRIT = { ruleId: "js/sql-injection", securitySeverity: 9.8 };

describe("code-to-cloud links and correlated priority (through the public API)", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    for (const repo of ["acme/exposed", "acme/internal", "acme/none", "acme/later"]) await uploadSarif(app, repo, sarif("CodeQL", [CRIT]));
  });
  after(async () => { await app?.stop(); });

  test("yor tags link resources to repositories; exposed production > deployed internally > not deployed", async () => {
    const before = (await scoreOf(app, "acme/exposed", CRIT.ruleId)).priority.score;
    const summary = await upsertResources(app, [
      { provider: "AZURE", type: "Microsoft.Web/sites", externalId: "/subs/1/sites/web-prod", name: "web-prod", environment: "production", internetExposed: true,
        criticality: "HIGH", tags: yor("acme", "exposed", { git_file: "infra/web.tf", git_commit: "abc1234", yor_trace: "6f1c-trace" }) },
      { provider: "AWS", type: "AWS::ECS::Service", externalId: "arn:aws:ecs:eu-west-1:1:service/int/worker", name: "worker-int", environment: "production",
        sensitiveData: true, criticality: "CRITICAL", tags: yor("acme", "internal") },
    ], { source: "inventory" });
    assert.deepEqual([summary.received, summary.created, summary.linksAdded], [2, 2, 2]);
    assert.equal(summary.findingsRescored, 2);
    const exposed = await scoreOf(app, "acme/exposed", CRIT.ruleId);
    const internal = await scoreOf(app, "acme/internal", CRIT.ruleId);
    const none = await scoreOf(app, "acme/none", CRIT.ruleId);
    assert.ok(exposed.priority.score > before);
    assert.ok(exposed.priority.score > internal.priority.score, `${exposed.priority.score} > ${internal.priority.score}`);
    assert.ok(internal.priority.score > none.priority.score, `${internal.priority.score} > ${none.priority.score}`);
    const deploy = exposed.priority.factors.filter((f) => f.detail?.includes("web-prod"));
    assert.ok(deploy.length > 0, "a factor names the resource: " + JSON.stringify(exposed.priority.factors));
    // Stored and explained agree.
    assert.equal(exposed.priority.factors.reduce((a, f) => a + f.contribution, 0), exposed.priority.score);

    // Upserting the same listing again changes nothing.
    const again = await upsertResources(app, [
      { provider: "AZURE", type: "Microsoft.Web/sites", externalId: "/subs/1/sites/web-prod", name: "web-prod", environment: "production", internetExposed: true,
        criticality: "HIGH", tags: yor("acme", "exposed", { git_file: "infra/web.tf", git_commit: "abc1234", yor_trace: "6f1c-trace" }) },
    ], { source: "inventory" });
    assert.deepEqual([again.created, again.updated, again.unchanged, again.linksAdded, again.findingsRescored], [0, 0, 1, 0, 0]);
  });

  test("cloudResource.sources, repository.deployedTo and finding.affectedResources", async () => {
    const r = await app.gql(`{ cloudResources(first: 10, filter: {internetExposed: true}) { nodes { name sources { repository { fullName } path commit kind evidence confidence } } }
      repository(fullName: "acme/exposed") { deployedTo { name } findings(first: 5) { nodes { affectedResources { name internetExposed } } } } }`);
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    const web = r.body.data.cloudResources.nodes.find((n: any) => n.name === "web-prod");
    assert.deepEqual(web.sources.map((s: any) => [s.repository.fullName, s.kind, s.path, s.commit]), [["acme/exposed", "iac-tag", "infra/web.tf", "abc1234"]]);
    assert.match(web.sources[0].evidence, /git_org=acme git_repo=exposed .*yor_trace=6f1c-trace/);
    assert.ok(web.sources[0].confidence > 0.5 && web.sources[0].confidence <= 1);
    assert.deepEqual(r.body.data.repository.deployedTo.map((d: any) => d.name), ["web-prod"]);
    assert.deepEqual(r.body.data.repository.findings.nodes[0].affectedResources, [{ name: "web-prod", internetExposed: true }]);
  });

  test("exposure flag flip rescores exactly the reaching findings and appends PRIORITY_CHANGED", async () => {
    const before = await scoreOf(app, "acme/internal", CRIT.ruleId);
    const other = await scoreOf(app, "acme/exposed", CRIT.ruleId);
    const s = await upsertResources(app, [{ provider: "AWS", type: "AWS::ECS::Service", externalId: "arn:aws:ecs:eu-west-1:1:service/int/worker", name: "worker-int",
      environment: "production", sensitiveData: true, criticality: "CRITICAL", internetExposed: true, tags: yor("acme", "internal") }], { source: "inventory" });
    assert.deepEqual([s.updated, s.findingsRescored], [1, 1]);
    const after = await scoreOf(app, "acme/internal", CRIT.ruleId);
    assert.ok(after.priority.score > before.priority.score);
    assert.notEqual(after.priority.level, before.priority.level, "designed to cross a level");
    const ev = await priorityEvents(app, after.id);
    assert.deepEqual(ev.at(-1)!.to.level, after.priority.level);
    assert.deepEqual(ev.at(-1)!.from.level, before.priority.level);
    assert.equal((await scoreOf(app, "acme/exposed", CRIT.ruleId)).priority.score, other.priority.score, "other findings untouched");
  });

  test("a new link (a resource tagged for a repository) raises its findings", async () => {
    const before = await scoreOf(app, "acme/later", CRIT.ruleId);
    const s = await upsertResources(app, [{ provider: "GCP", type: "run.googleapis.com/Service", externalId: "projects/p/services/later", name: "later-run",
      environment: "production", internetExposed: true, criticality: "CRITICAL", sensitiveData: true, tags: yor("ACME", "Later") }], { source: "gcp" });
    assert.deepEqual([s.created, s.linksAdded, s.findingsRescored], [1, 1, 1]);
    const after = await scoreOf(app, "acme/later", CRIT.ruleId);
    assert.ok(after.priority.score > before.priority.score);
    assert.ok((await priorityEvents(app, after.id)).length >= 1);
  });

  test("a complete upload marks what its source no longer lists as gone, and the findings drop back", async () => {
    const before = await scoreOf(app, "acme/later", CRIT.ruleId);
    const s = await upsertResources(app, [], { source: "gcp", complete: true });
    assert.deepEqual([s.gone, s.findingsRescored], [1, 1]);
    const after = await scoreOf(app, "acme/later", CRIT.ruleId);
    assert.ok(after.priority.score < before.priority.score);
    assert.equal((await scoreOf(app, "acme/none", CRIT.ruleId)).priority.score, after.priority.score, "back to not deployed");
    assert.equal((await priorityEvents(app, after.id)).at(-1)!.to.level, after.priority.level);
    // Other sources are untouched by that complete upload.
    const r = await app.gql(`{ cloudResources(first: 10, filter: {includeGone: true}) { nodes { name goneAt } } }`);
    const gone = Object.fromEntries(r.body.data.cloudResources.nodes.map((n: any) => [n.name, n.goneAt !== null]));
    assert.deepEqual(gone, { "later-run": true, "web-prod": false, "worker-int": false });
    // Listed again: back.
    const back = await upsertResources(app, [{ provider: "GCP", type: "run.googleapis.com/Service", externalId: "projects/p/services/later", name: "later-run",
      environment: "production", internetExposed: true, criticality: "CRITICAL", sensitiveData: true, tags: yor("acme", "later") }], { source: "gcp", complete: true });
    assert.deepEqual([back.updated, back.gone, back.findingsRescored], [1, 0, 1]);
    assert.equal((await scoreOf(app, "acme/later", CRIT.ruleId)).priority.score, before.priority.score);
  });

  test("POST /ingest/cloud: NDJSON upsert, complete by source, and 400s naming line and field with nothing written", async () => {
    const line = (o: object) => JSON.stringify(o);
    const body = [
      line({ provider: "AZURE", type: "Microsoft.Web/sites", externalId: "nd-1", name: "nd-one", tags: { git_org: "acme", git_repo: "none" } }),
      "",
      line({ provider: "azure", type: "Microsoft.Web/sites", externalId: "nd-2", name: "nd-two", imageDigests: ["sha256:" + "a".repeat(64)] }),
    ].join("\n");
    const post = (b: string, qs = "source=ndjson") => app.fetch(`/ingest/cloud?${qs}`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: b });
    const ok = await post(body);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { received: 2, created: 2, updated: 0, unchanged: 0, gone: 0, linksAdded: 1, linksRemoved: 0, findingsRescored: 1 });
    const before = await count(app, "cloud_resource");
    for (const [bad, lineNo, field] of [
      [`${body}\n${line({ provider: "ALIBABA", type: "x", externalId: "nd-3", name: "n" })}`, 4, "provider"],
      [`${line({ provider: "AWS", type: "x", externalId: "nd-4" })}`, 1, "name"],
      [`${line({ provider: "AWS", type: "x", externalId: "nd-5", name: "n" })}\n{"provider": "AWS",`, 2, "record"],
      [`${line({ provider: "AWS", type: "x", externalId: "nd-6", name: "n", internetExposed: "yes" })}`, 1, "internetExposed"],
    ] as const) {
      const res = await post(bad);
      assert.equal(res.status, 400);
      const j = await res.json() as any;
      assert.equal(j.error.line, lineNo, j.error.message);
      assert.equal(j.error.field, field);
      assert.match(j.error.message, new RegExp(`^line ${lineNo}: ${field}`));
    }
    assert.equal(await count(app, "cloud_resource"), before, "nothing written");
    const complete = await post(line({ provider: "AZURE", type: "Microsoft.Web/sites", externalId: "nd-1", name: "nd-one", tags: { git_org: "acme", git_repo: "none" } }), "source=ndjson&complete=true");
    assert.deepEqual(await complete.json(), { received: 1, created: 0, updated: 0, unchanged: 1, gone: 1, linksAdded: 0, linksRemoved: 0, findingsRescored: 0 });
    // Scope: a READ-only token may not upload.
    const t = await app.gql(`mutation { createApiToken(input: {name: "r", scopes: [READ]}) { token } }`);
    const denied = await app.fetch(`/ingest/cloud`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body, token: t.body.data.createApiToken.token });
    assert.equal(denied.status, 403);
    // And the GraphQL mutation names the field.
    const g = await app.gql(`mutation { upsertCloudResources(input: [{provider: AWS, type: "t", externalId: "e", name: "n", imageDigests: ["latest"]}]) { created } }`);
    assert.equal(g.body.errors[0].extensions.code, "BAD_USER_INPUT");
    assert.match(g.body.errors[0].message, /imageDigests\[0\]/);
  });

  test("image digest: recordBuildArtifact links resources running the digest to repository and commit", async () => {
    const digest = "sha256:" + "b".repeat(64);
    await upsertResources(app, [{ provider: "KUBERNETES", type: "apps/v1/Deployment", externalId: "k8s/prod/api", name: "api-k8s", internetExposed: true, environment: "production", imageDigests: [digest] }], { source: "k8s" });
    const r = await app.gql(`mutation($d: String!) { recordBuildArtifact(input: {repository: "acme/none", commit: "feedface1234", imageName: "ghcr.io/acme/none", imageDigest: $d}) { imageDigest commitSha repository { fullName } } }`, { d: digest });
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    const s = await app.gql(`{ cloudResources(first: 20) { nodes { name sources { repository { fullName } kind commit evidence } } } }`);
    const k8s = s.body.data.cloudResources.nodes.find((n: any) => n.name === "api-k8s");
    assert.deepEqual(k8s.sources.map((x: any) => [x.repository.fullName, x.kind, x.commit]), [["acme/none", "image-digest", "feedface1234"]]);
    assert.match(k8s.sources[0].evidence, /ghcr\.io\/acme\/none@sha256:b+ built from feedface1234/);
    const f = await scoreOf(app, "acme/none", CRIT.ruleId);
    assert.ok(f.priority.factors.some((x) => x.detail?.includes("api-k8s")));
    // A READ token may not record builds.
    const t = await app.gql(`mutation { createApiToken(input: {name: "r2", scopes: [READ]}) { token } }`);
    const denied = await app.gql(`mutation($d: String!) { recordBuildArtifact(input: {repository: "acme/none", commit: "x", imageName: "i", imageDigest: $d}) { id } }`, { d: digest }, t.body.data.createApiToken.token);
    assert.equal(denied.body.errors[0].extensions.code, "FORBIDDEN");
  });

  test("findings list sorted by priority puts the exposed code first", async () => {
    const all = await app.gql(`{ findings(first: 10, orderBy: {field: PRIORITY, direction: DESC}) { nodes { repository { fullName } priority { score } } } }`);
    const order = all.body.data.findings.nodes.map((n: any) => n.repository.fullName);
    assert.ok(order.indexOf("acme/exposed") < order.indexOf("acme/none") || order[0] !== "acme/none");
    const list = await findingsOf(app, "acme/none");
    assert.equal(list.length, 1);
  });
});
