import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "../helpers/app";
import { FakeGitHub } from "../fakes/github/server";
import { CREATE, fakeSleep, syncOnce } from "./helpers";

/** GitHub App credentials against a GitHub Enterprise Server-style URL (…/api/v3), and connector administration. */
let app: TestApp;
let fake: FakeGitHub;
const logs: string[] = [];

before(async () => {
  fake = await new FakeGitHub({ org: "globex", repos: 30, seed: 3 }).start("/api/v3");
  app = await startTestApp({ logLevel: "debug" }, { logDestination: { write: (l) => { logs.push(l); } } });
  app.services.sync.options.github = { ...app.services.sync.options.github, sleep: fakeSleep().sleep };
});
after(async () => { await app?.stop(); await fake?.stop(); });

test("a GitHub App connector exchanges its JWT for an installation token and syncs a GHES /api/v3 URL", async () => {
  const res = await app.gql(CREATE, { input: { provider: "GITHUB", organization: "globex", url: fake.url, appId: fake.app.id, installationId: fake.app.installationId, privateKey: fake.app.privateKey, schedule: "*/30 * * * *" } });
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  const c = res.body.data.createConnector;
  assert.equal(c.url, fake.url);
  assert.equal(c.schedule, "*/30 * * * *");
  const run = await syncOnce(app, c.id);
  assert.equal(run.status, "SUCCEEDED", JSON.stringify(run.errors));
  assert.deepEqual(fake.invalidQueries, []);
  const exchanges = fake.requests.filter((r) => r.path.includes("/access_tokens"));
  assert.equal(exchanges.length, 1, "one installation token, reused for the run");
  assert.ok(fake.requests.some((r) => r.path.startsWith("/api/graphql")), "GraphQL on GHES is /api/graphql");
  assert.ok(fake.requests.some((r) => r.path.startsWith("/api/v3/orgs/globex")), "REST under /api/v3");
  const [{ n }] = await app.db.dataSource.query(`SELECT count(*)::int AS n FROM repository WHERE full_name LIKE 'globex/%'`);
  assert.equal(n, 30);
  const keyLine = fake.app.privateKey.split("\n")[1];
  const all = JSON.stringify((await app.gql(`{ connectors(first: 5) { nodes { id url organization hasCredentials lastSyncRun { errors } } } }`)).body) + logs.join("");
  assert.ok(!all.includes(keyLine), "the private key appears nowhere");
  assert.ok(!fake.requests.filter((r) => !r.path.includes("access_tokens")).some((r) => logs.join("").includes(r.authorization.replace("token ", ""))), "installation tokens are not logged");
  const sealed = (await app.db.dataSource.query(`SELECT credentials FROM connector`))[0].credentials;
  assert.ok(sealed.startsWith("v1:") && !sealed.includes(keyLine), "sealed at rest");
});

test("createConnector validates its input; updateConnector and deleteConnector work; admin only", async () => {
  const bad = async (input: Record<string, unknown>) => (await app.gql(CREATE, { input: { provider: "GITHUB", organization: "x", token: "t0k", ...input } })).body.errors?.[0]?.extensions?.code;
  assert.equal(await bad({ schedule: "every hour" }), "BAD_USER_INPUT");
  assert.equal(await bad({ token: undefined }), "BAD_USER_INPUT");
  assert.equal(await bad({ url: "http://github.example.com/api/v3" }), "BAD_USER_INPUT", "no plain http off loopback");
  assert.equal(await bad({ organization: "not a login" }), "BAD_USER_INPUT");
  assert.equal(await bad({ appId: "1", installationId: "2", privateKey: "nope", token: undefined }), "BAD_USER_INPUT");
  const created = await app.gql(CREATE, { input: { provider: "GITHUB", organization: "initrode", token: "ghp_x" } });
  const id = created.body.data.createConnector.id;
  assert.equal((await app.gql(CREATE, { input: { provider: "GITHUB", organization: "initrode", token: "ghp_y" } })).body.errors[0].extensions.code, "CONFLICT");
  const up = await app.gql(`mutation($i: UpdateConnectorInput!) { updateConnector(input: $i) { schedule enabled url } }`, { i: { id, schedule: "15 3 * * *", enabled: false } });
  assert.deepEqual(up.body.data.updateConnector, { schedule: "15 3 * * *", enabled: false, url: "https://api.github.com" });
  const { token: reader } = await app.services.tokens.create({ name: "reader", scopes: ["READ" as never] });
  const denied = await app.gql(`mutation($id: ID!) { triggerSync(connectorId: $id) { id } }`, { id }, reader);
  assert.equal(denied.body.errors[0].extensions.code, "FORBIDDEN");
  assert.equal((await app.gql(`mutation($id: ID!) { deleteConnector(id: $id) }`, { id })).body.data.deleteConnector, true);
});
