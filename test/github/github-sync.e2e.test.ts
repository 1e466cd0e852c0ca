import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "../helpers/app";
import { FakeGitHub } from "../fakes/github/server";
import { createGitHubConnector, fakeSleep, syncOnce } from "./helpers";

let app: TestApp;
let fake: FakeGitHub;
let connectorId: string;
const sleeper = fakeSleep();

before(async () => {
  fake = await new FakeGitHub({ org: "acme", repos: 240, seed: 7 }).start();
  app = await startTestApp();
  app.services.sync.options.github = { ...app.services.sync.options.github, sleep: sleeper.sleep, timeoutMs: 2000 };
  connectorId = await createGitHubConnector(app, fake);
});
after(async () => { await app?.stop(); await fake?.stop(); });

test("a first sync mirrors the organization: repositories, protection, CODEOWNERS, workflows, environments, alerts", async () => {
  const run = await syncOnce(app, connectorId);
  assert.equal(run.status, "SUCCEEDED", JSON.stringify(run.errors));
  assert.deepEqual(fake.invalidQueries, [], "every GraphQL document validates against GitHub's schema");
  const ds = app.db.dataSource;
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM repository WHERE source = 'github'`);
  assert.equal(n, 240);
  console.log("duration", Date.parse(run.finishedAt) - Date.parse(run.startedAt), run.requests, run.pointsUsed);
});
