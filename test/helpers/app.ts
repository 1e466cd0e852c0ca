import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, Config } from "../../src/config";
import { startApp, App } from "../../src/app";
import { createLogger } from "../../src/common/logger";

export interface TestApp extends App {
  token: string;
  config: Config;
  /** POST a GraphQL document with a token (the admin token by default). */
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: any }>;
  /** A fetch against the server with the admin token. */
  fetch(pathname: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
}

/**
 * Starts the whole server on a random port, on a fresh embedded database, or
 * (with TEST_DATABASE_URL) on a fresh schema of that PostgreSQL server.
 */
export async function startTestApp(overrides: Partial<Config> = {}, options: { logDestination?: { write(line: string): void }; shareSchemaOf?: TestApp; eventPollMs?: number } = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgr-test-"));
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (options.shareSchemaOf && !options.shareSchemaOf.db.schema) throw new Error("shareSchemaOf needs TEST_DATABASE_URL (the embedded database is one process's)");
  // A second instance on the same schema (several servers, one database); the first one drops it.
  const shared = options.shareSchemaOf?.db.schema;
  const schema = shared ?? (serverUrl ? `t_${crypto.randomBytes(6).toString("hex")}` : undefined);
  const config: Config = {
    ...loadConfig({}, { dotenv: false }),
    port: 0,
    dataDir,
    databaseUrl: serverUrl,
    logLevel: process.env.TEST_LOG_LEVEL ?? "silent",
    scheduler: false,
    secretKey: crypto.randomBytes(32).toString("base64"),
    ...overrides,
  };
  const app = await startApp(config, { schema, logger: createLogger(config.logLevel, options.logDestination), eventPollMs: options.eventPollMs });
  const token = shared ? options.shareSchemaOf!.token : fs.readFileSync(path.join(dataDir, "admin-token"), "utf8").trim();
  const stop = app.stop.bind(app);
  const testApp: TestApp = Object.assign(app, {
    token,
    config,
    async gql(query: string, variables?: Record<string, unknown>, tok: string = token) {
      const res = await fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tok}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    fetch(pathname: string, init: RequestInit & { token?: string | null } = {}) {
      const headers = new Headers(init.headers);
      const tok = init.token === undefined ? token : init.token;
      if (tok) headers.set("authorization", `Bearer ${tok}`);
      return fetch(`${app.url}${pathname}`, { ...init, headers });
    },
    async stop() {
      if (schema && !shared) await app.db.dataSource.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return testApp;
}
