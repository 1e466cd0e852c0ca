import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../src/config";
import { startTestApp, TestApp } from "./helpers/app";
import { postIngest } from "./helpers/ingest";
import { fixtureBytes } from "./fixtures/real-fixtures";

// Four waves of database reads, one after another: far past a 1 ms deadline before the deepest starts.
const DEEP = `{ repositories(first: 5) { nodes { fullName findings(first: 5) { nodes { id repository { fullName pipelines { name } } } } } } }`;

describe("execution deadline", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ limits: { ...loadConfig({}, { dotenv: false }).limits, executionTimeoutMs: 1 } });
    await postIngest(app, { repository: "acme/deadline" }, fixtureBytes("semgrep.sarif"));
  });
  after(async () => { await app?.stop(); });

  test("past the deadline, resolvers that start fail, and the response carries one LIMIT_EXCEEDED timeout error", async () => {
    const r = await app.gql(DEEP);
    assert.equal(r.status, 200);
    const errors = r.body.errors ?? [];
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].extensions.code, "LIMIT_EXCEEDED");
    assert.equal(errors[0].extensions.limit, "timeout");
    assert.match(errors[0].message, /longer than 1 ms/);
  });
});

describe("execution deadline, default", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await postIngest(app, { repository: "acme/deadline" }, fixtureBytes("semgrep.sarif"));
  });
  after(async () => { await app?.stop(); });

  test("an ordinary query finishes well inside it", async () => {
    const r = await app.gql(DEEP);
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    assert.equal(r.body.data.repositories.nodes[0].findings.nodes[0].repository.fullName, "acme/deadline");
  });
});
