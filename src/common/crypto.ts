import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Secrets at rest (connector credentials, webhook secrets): AES-256-GCM under
 * a 256-bit key. Ciphertext format: "v1:<keyId>:<iv b64>:<tag b64>:<data b64>",
 * where keyId is the first 8 hex chars of SHA-256(key), so a rotation can tell
 * which key sealed a value.
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly currentId: string;

  /** `current` seals; `previous` keys only open (for rotation). */
  constructor(current: Buffer, previous: Buffer[] = []) {
    if (current.length !== 32) throw new Error("SECRET_KEY must decode to 32 bytes (base64 or hex)");
    this.keys = new Map([current, ...previous].map((k) => [keyId(k), k]));
    this.currentId = keyId(current);
  }

  seal(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.keys.get(this.currentId)!, iv);
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return ["v1", this.currentId, iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
  }

  open(sealed: string): string {
    const [v, id, iv, tag, data] = sealed.split(":");
    if (v !== "v1" || !id || !iv || !tag || data === undefined) throw new Error("not a sealed secret");
    const key = this.keys.get(id);
    if (!key) throw new Error(`sealed with an unknown key (${id}): give the old key to rotate`);
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  }

  /** Whether a value is sealed with the current key. */
  isCurrent(sealed: string): boolean {
    return sealed.split(":")[1] === this.currentId;
  }
}

function keyId(key: Buffer): string {
  return crypto.createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, "hex") : Buffer.from(t, "base64");
  if (key.length !== 32) throw new Error("SECRET_KEY must be 32 bytes, base64 or hex encoded (e.g. `openssl rand -base64 32`)");
  return key;
}

/**
 * The key from SECRET_KEY, or (embedded setups only) one generated once into
 * DATA_DIR/secret-key with mode 0600.
 */
export function loadSecretKey(secretKey: string | undefined, dataDir: string): Buffer {
  if (secretKey) return parseKey(secretKey);
  const file = path.join(dataDir, "secret-key");
  if (fs.existsSync(file)) return parseKey(fs.readFileSync(file, "utf8"));
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  return key;
}
