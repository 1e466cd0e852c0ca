import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createLogger } from "./logger";
import { redactSecrets } from "./redact";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { lines, logger: createLogger("debug", stream) };
}

test("log lines never carry tokens, credentials, secrets or authorization headers", () => {
  const { lines, logger } = capture();
  const token = "pgr_SECRETSECRETSECRET";
  logger.info({ token }, "top-level");
  logger.info({ auth: { token }, connector: { credentials: "ghp_CREDENTIAL" }, req: { headers: { authorization: `Bearer ${token}` } } }, "one level");
  logger.info({ audit: { variables: { token } }, input: { webhook: { secret: "whsec_X" } } }, "two levels");
  logger.child({ requestId: "r1" }).warn({ headers: { authorization: `Bearer ${token}` }, password: "hunter2" }, "child");
  logger.info({ connectionParams: { authorization: `Bearer ${token}` } }, "ws");
  const out = lines.join("");
  assert.equal(lines.length, 5);
  for (const secret of [token, "ghp_CREDENTIAL", "hunter2"]) assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
  assert.ok(out.includes("[redacted]"));
});

test("redactSecrets: any depth, arrays, secret-like key names, bounded size", () => {
  const r = redactSecrets({ input: { name: "ci", scopes: ["READ"], token: "t", nested: [{ apiKey: "k", private_key: "p", ok: 1 }] }, Authorization: "Bearer x" }) as any;
  assert.deepEqual(r, { input: { name: "ci", scopes: ["READ"], token: "[redacted]", nested: [{ apiKey: "[redacted]", private_key: "[redacted]", ok: 1 }] }, Authorization: "[redacted]" });
  const big = redactSecrets({ list: Array.from({ length: 1000 }, (_, i) => i), text: "x".repeat(10_000) }) as any;
  assert.equal(big.list.length, 101);
  assert.ok(big.text.length < 2100);
});
