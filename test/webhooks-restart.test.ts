import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, Config } from "../src/config";
import { startApp, App } from "../src/app";
import { createLogger } from "../src/common/logger";
import { TestApp } from "./helpers/app";
import { postIngest } from "./helpers/ingest";
import { createWebhook, deliveries, independentVerify, startReceiver, waitFor } from "./helpers/webhooks";
import { fixtureBytes } from "./fixtures/real-fixtures";

/** startApp on a given data dir (embedded) or schema (TEST_DATABASE_URL), with gql/fetch like startTestApp, kept across restarts. */
async function start(config: Config, schema: string | undefined, token?: string): Promise<TestApp> {
  const app: App = await startApp(config, { schema, logger: createLogger(config.logLevel) });
  const tok = token ?? fs.readFileSync(path.join(config.dataDir, "admin-token"), "utf8").trim();
  return Object.assign(app, {
    token: tok, config,
    async gql(query: string, variables?: Record<string, unknown>, t: string = tok) {
      const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t}` }, body: JSON.stringify({ query, variables }) });
      return { status: res.status, body: (await res.json()) as any };
    },
    fetch(pathname: string, init: RequestInit & { token?: string | null } = {}) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${tok}`);
      return fetch(`${app.url}${pathname}`, { ...init, headers });
    },
  }) as TestApp;
}

test("a delivery whose first attempt failed is retried after a restart: one success, the same webhook-id", { timeout: 120_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgr-webhook-restart-"));
  const serverUrl = process.env.TEST_DATABASE_URL;
  const schema = serverUrl ? `t_${crypto.randomBytes(6).toString("hex")}` : undefined;
  const config: Config = {
    ...loadConfig({}, { dotenv: false }), port: 0, dataDir, databaseUrl: serverUrl, logLevel: process.env.TEST_LOG_LEVEL ?? "silent", scheduler: false,
    secretKey: crypto.randomBytes(32).toString("base64"), webhookAllowPrivate: true, webhookRetrySchedule: [2, 1, 1], webhookTimeoutMs: 2000,
  };
  const rx = await startReceiver((n) => ({ status: n === 1 ? 503 : 200 }));
  let app = await start(config, schema);
  const token = app.token;
  try {
    const hook = await createWebhook(app, { url: rx.url, events: ["CREATED"] });
    assert.ok(hook.id, JSON.stringify(hook.body));
    const r = await postIngest(app, { repository: "acme/restart" }, fixtureBytes("semgrep.sarif"));
    assert.equal(r.status, 200);
    // Every event has failed once (503), recorded, due again in 2 s: stop before the retry.
    await waitFor(() => deliveries(app, hook.id), (l) => l.length === 77 && l.every((d) => d.attempts === 1 && d.status === "PENDING"), 20_000, "first attempts recorded");
    assert.equal(rx.hits.length, 77);
    await app.stop();
    const afterStop = rx.hits.length;

    app = await start(config, schema, token);
    await rx.until((h) => h.filter((x) => x.status === 200).length >= 77, 30_000, "retries after the restart");
    await new Promise((r2) => setTimeout(r2, 500));
    assert.equal(afterStop, 77, "nothing was sent while stopped");
    const ids = new Map<string, number[]>();
    for (const h of rx.hits) ids.set(h.id, [...(ids.get(h.id) ?? []), h.status]);
    assert.equal(ids.size, 77);
    for (const [, statuses] of ids) assert.deepEqual(statuses, [503, 200]);
    assert.ok(rx.hits.every((h) => independentVerify(hook.secret, h)), "the secret survived the restart (sealed at rest)");
    const list = await waitFor(() => deliveries(app, hook.id), (l) => l.every((d) => d.status === "SUCCEEDED"), 10_000, "successes recorded");
    assert.ok(list.every((d) => d.attempts === 2 && d.responseStatus === 200));
  } finally {
    if (schema) await app.db.dataSource.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await app.stop();
    await rx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
