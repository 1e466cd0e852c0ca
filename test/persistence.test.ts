import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Runs the real entry point (as `npm start` does) on an embedded database.
const ENTRY = path.resolve(__dirname, "../src/index.js");

function start(dataDir: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: "", LOG_LEVEL: "info", ADMIN_TOKEN: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => { out += d; });
  child.stderr!.on("data", (d) => { out += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const check = setInterval(() => {
      if (out.includes("Posturegraph is serving")) { clearInterval(check); clearTimeout(timer); resolve({ child, output: () => out }); }
    }, 100);
    child.once("exit", (code) => { clearInterval(check); clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${out}`)); });
  });
}

async function gql(port: number, token: string, query: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as any };
}

function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

test("data and the admin token survive a restart and a SIGKILL", { timeout: 180_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgr-persist-"));
  const port = 20000 + Math.floor(Math.random() * 20000);
  try {
    let s = await start(dataDir, port);
    const printed = /Admin API token: (\S+)/.exec(s.output())?.[1];
    assert.ok(printed, "the first start prints the admin token");
    assert.equal(fs.readFileSync(path.join(dataDir, "admin-token"), "utf8").trim(), printed);
    const created = await gql(port, printed, 'mutation { createApiToken(input: {name: "dashboard", scopes: [READ]}) { token } }');
    const dashboard = created.body.data.createApiToken.token;

    // Graceful stop on SIGTERM, then start again: nothing printed, same token works.
    s.child.kill("SIGTERM");
    assert.equal(await stopped(s.child), 0);
    s = await start(dataDir, port);
    assert.doesNotMatch(s.output(), /Admin API token/);
    assert.equal((await gql(port, printed, "{ viewer { name } }")).body.data.viewer.name, "admin");

    // Write, then kill without warning: the next start recovers the committed data.
    await gql(port, printed, 'mutation { createApiToken(input: {name: "after-restart", scopes: [READ]}) { token } }');
    s.child.kill("SIGKILL");
    await stopped(s.child);
    s = await start(dataDir, port);
    const list = await gql(port, printed, "{ apiTokens { name } }");
    assert.deepEqual(list.body.data.apiTokens.map((t: { name: string }) => t.name), ["admin", "dashboard", "after-restart"]);
    assert.equal((await gql(port, dashboard, "{ viewer { name } }")).body.data.viewer.name, "dashboard");
    s.child.kill("SIGTERM");
    await stopped(s.child);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
