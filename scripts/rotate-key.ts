/**
 * Re-encrypts every secret at rest under a new key, in one transaction:
 *   npm run rotate-key -- --old <key> --new <key>
 * Keys are 32 bytes, base64 or hex (`openssl rand -base64 32`). Uses the
 * configured database (DATABASE_URL, or the embedded one in DATA_DIR — stop
 * the server first: the embedded database takes one connection). Then set
 * SECRET_KEY to the new key; without SECRET_KEY the key file in DATA_DIR is
 * replaced here.
 */
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../src/config";
import { openAppDatabase } from "../src/composition";
import { parseKey, SecretBox } from "../src/common/crypto";
import { rotateSecrets } from "../src/access";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const oldText = arg("old");
  const newText = arg("new");
  if (!oldText || !newText) throw new Error("usage: npm run rotate-key -- --old <key> --new <key>");
  const oldKey = parseKey(oldText);
  const newKey = parseKey(newText);
  if (oldKey.equals(newKey)) throw new Error("--old and --new are the same key");
  const config = loadConfig();
  const db = await openAppDatabase(config, { migrate: false });
  try {
    const results = await rotateSecrets(db.dataSource, new SecretBox(newKey, [oldKey]));
    for (const r of results) console.log(`${r.table}.${r.column}: ${r.rotated} re-encrypted, ${r.current} already under the new key`);
    const keyFile = path.join(config.dataDir, "secret-key");
    if (!config.secretKey && fs.existsSync(keyFile) && parseKey(fs.readFileSync(keyFile, "utf8")).equals(oldKey)) {
      fs.writeFileSync(keyFile, newKey.toString("base64") + "\n", { mode: 0o600 });
      console.log(`${keyFile} now holds the new key`);
    } else {
      console.log("Now set SECRET_KEY to the new key and restart the server.");
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(`rotate-key failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
