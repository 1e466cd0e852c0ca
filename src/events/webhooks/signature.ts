import crypto from "node:crypto";

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): a secret is
 * `whsec_` + base64 of 32 random bytes; a request is signed with
 * `v1,` + base64(HMAC-SHA256(secret bytes, "<webhook-id>.<webhook-timestamp>.<body>")).
 * During a rotation both secrets sign: `webhook-signature: v1,<new> v1,<old>`.
 */
export const SECRET_PREFIX = "whsec_";

export function generateSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(32).toString("base64");
}

/** The key bytes of a `whsec_…` secret. */
export function secretBytes(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error("not a whsec_ secret");
  return Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
}

/** base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`. */
export function sign(key: Buffer, id: string, timestamp: number, body: string): string {
  return crypto.createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
}

/** The `webhook-signature` header value: one `v1,<sig>` per key, space-separated, newest first. */
export function signatureHeader(keys: Buffer[], id: string, timestamp: number, body: string): string {
  return keys.map((k) => `v1,${sign(k, id, timestamp, body)}`).join(" ");
}

export interface SignedHeaders { "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string }

export function signedHeaders(keys: Buffer[], id: string, timestamp: number, body: string): SignedHeaders {
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signatureHeader(keys, id, timestamp, body) };
}

/**
 * What a receiver does: true when one of the header's v1 signatures matches
 * (constant-time) and the timestamp is within `toleranceSeconds` of now.
 */
export function verify(secret: string, headers: { id: string; timestamp: string; signature: string }, body: string,
  options: { toleranceSeconds?: number; now?: number } = {}): boolean {
  const ts = Number(headers.timestamp);
  if (!/^\d{1,12}$/.test(headers.timestamp)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(sign(secretBytes(secret), headers.id, ts, body));
  return headers.signature.split(" ").some((part) => {
    const [version, sig] = part.split(",", 2);
    if (version !== "v1" || !sig) return false;
    const got = Buffer.from(sig);
    return got.length === expected.length && crypto.timingSafeEqual(got, expected);
  });
}
