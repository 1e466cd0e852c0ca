import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { startTestApp } from "../helpers/app";
import { SecretBox, parseKey } from "../../src/common/crypto";
import { rotateSecrets } from "../../src/access";
import { Connector } from "../../src/entities";
import { ConnectorProvider } from "../../src/common/types";
import { loadConfig } from "../../src/config";
import { openAppDatabase } from "../../src/composition";

const newKey = () => crypto.randomBytes(32).toString("base64");

test("rotateSecrets re-encrypts every sealed column in one transaction; an unreadable value changes nothing", async () => {
  const app = await startTestApp();
  try {
    const oldKey = app.config.secretKey!;
    const next = newKey();
    const ds = app.db.dataSource;
    const save = (org: string, credentials: string | null) => ds.getRepository(Connector).save({ provider: ConnectorProvider.GITHUB, organization: org, url: "https://api.github.com", credentials });
    await save("one", app.services.secrets.seal("ghp_one"));
    await save("two", app.services.secrets.seal("ghp_two"));
    await save("none", null);
    // Any later table with a secret column is found by name.
    await ds.query("CREATE TABLE webhook_test (id serial PRIMARY KEY, signing_secret text)");
    await ds.query("INSERT INTO webhook_test (signing_secret) VALUES ($1)", [app.services.secrets.seal("whsec")]);

    // A value sealed under a third key: the rotation must refuse and leave everything as it was.
    const stranger = new SecretBox(parseKey(newKey())).seal("x");
    const bad = await save("bad", stranger);
    const before = await ds.query("SELECT organization, credentials FROM connector ORDER BY organization");
    await assert.rejects(rotateSecrets(ds, new SecretBox(parseKey(next), [parseKey(oldKey)])), /nothing was changed/);
    assert.deepEqual(await ds.query("SELECT organization, credentials FROM connector ORDER BY organization"), before);
    await ds.getRepository(Connector).delete({ id: bad.id });

    const box = new SecretBox(parseKey(next), [parseKey(oldKey)]);
    const results = await rotateSecrets(ds, box);
    // Every sealed column is found by name, the webhooks' secrets among them (none stored here).
    assert.deepEqual(results.map((r) => [r.table, r.column, r.rotated]), [["connector", "credentials", 2], ["webhook_test", "signing_secret", 1], ["webhook", "previous_secret", 0], ["webhook", "secret", 0]]);
    const onlyNew = new SecretBox(parseKey(next));
    const rows: { credentials: string }[] = await ds.query("SELECT credentials FROM connector WHERE credentials IS NOT NULL ORDER BY organization");
    assert.deepEqual(rows.map((r) => onlyNew.open(r.credentials)), ["ghp_one", "ghp_two"]);
    assert.equal(onlyNew.open((await ds.query("SELECT signing_secret FROM webhook_test"))[0].signing_secret), "whsec");
    // Running it again is a no-op.
    assert.deepEqual((await rotateSecrets(ds, box)).map((r) => r.rotated), [0, 0, 0, 0]);
  } finally {
    await app.stop();
  }
});

test("npm run rotate-key -- --old --new: the command, on an embedded database, replaces the key file", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgr-rotate-"));
  try {
    const oldKey = newKey();
    fs.writeFileSync(path.join(dataDir, "secret-key"), oldKey + "\n", { mode: 0o600 });
    const config = { ...loadConfig({}, { dotenv: false }), dataDir };
    const db = await openAppDatabase(config);
    await db.dataSource.getRepository(Connector).save({ provider: ConnectorProvider.GITHUB, organization: "acme", url: "https://api.github.com", credentials: new SecretBox(parseKey(oldKey)).seal("ghp_secret") });
    await db.close();
    const next = newKey();
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", SECRET_KEY: "" };
    const r = spawnSync(process.execPath, [path.resolve(__dirname, "../../scripts/rotate-key.js"), "--old", oldKey, "--new", next], { env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /connector\.credentials: 1 re-encrypted/);
    assert.ok(!r.stdout.includes(next) && !r.stdout.includes(oldKey) && !r.stdout.includes("ghp_secret"), "keys and secrets are never printed");
    assert.equal(fs.readFileSync(path.join(dataDir, "secret-key"), "utf8").trim(), next);
    const db2 = await openAppDatabase(config);
    const [{ credentials }] = await db2.dataSource.query("SELECT credentials FROM connector");
    await db2.close();
    assert.equal(new SecretBox(parseKey(next)).open(credentials), "ghp_secret");
    const usage = spawnSync(process.execPath, [path.resolve(__dirname, "../../scripts/rotate-key.js")], { env, encoding: "utf8" });
    assert.equal(usage.status, 1);
    assert.match(usage.stderr, /usage: npm run rotate-key/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
