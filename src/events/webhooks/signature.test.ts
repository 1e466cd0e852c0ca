import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { generateSecret, secretBytes, sign, signatureHeader, signedHeaders, verify } from "./signature";

/** An independent implementation, straight from the Standard Webhooks text: HMAC-SHA256 over "id.timestamp.body", base64. */
function reference(secret: string, id: string, ts: number, body: string): string {
  const key = Buffer.from(secret.split("_")[1], "base64");
  return "v1," + crypto.createHmac("sha256", key).update(id + "." + ts + "." + body).digest("base64");
}

test("a secret is whsec_ + base64 of 32 random bytes", () => {
  const s = generateSecret();
  assert.match(s, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(secretBytes(s).length, 32);
  assert.notEqual(generateSecret(), s);
});

test("the signature matches an independent HMAC-SHA256 implementation", () => {
  for (let i = 0; i < 20; i++) {
    const secret = generateSecret();
    const id = `msg_${crypto.randomUUID()}`;
    const ts = 1_700_000_000 + i;
    const body = JSON.stringify({ type: "CREATED", n: i, text: "ünïcødé ✓", nested: { a: [1, 2, 3] } });
    assert.equal(`v1,${sign(secretBytes(secret), id, ts, body)}`, reference(secret, id, ts, body));
    assert.equal(signatureHeader([secretBytes(secret)], id, ts, body), reference(secret, id, ts, body));
  }
});

test("the published Standard Webhooks example verifies", () => {
  // From the Standard Webhooks specification / reference libraries' tests.
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const ts = 1614265330;
  const body = '{"test": 2432232314}';
  assert.equal(reference(secret, id, ts, body), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  assert.equal(signatureHeader([secretBytes(secret)], id, ts, body), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  assert.ok(verify(secret, { id, timestamp: String(ts), signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" }, body, { now: ts }));
});

test("during a rotation both secrets sign, newest first; each verifies alone", () => {
  const next = generateSecret(), prev = generateSecret();
  const h = signedHeaders([secretBytes(next), secretBytes(prev)], "id1", 1_700_000_000, "{}");
  assert.equal(h["webhook-signature"], `${reference(next, "id1", 1_700_000_000, "{}")} ${reference(prev, "id1", 1_700_000_000, "{}")}`);
  const hdr = { id: "id1", timestamp: "1700000000", signature: h["webhook-signature"] };
  assert.ok(verify(next, hdr, "{}", { now: 1_700_000_000 }));
  assert.ok(verify(prev, hdr, "{}", { now: 1_700_000_000 }));
  assert.ok(!verify(generateSecret(), hdr, "{}", { now: 1_700_000_000 }));
});

test("verify refuses a changed body, id or timestamp and a stale timestamp", () => {
  const secret = generateSecret();
  const sig = reference(secret, "id", 1_700_000_000, "body");
  const ok = { id: "id", timestamp: "1700000000", signature: sig };
  assert.ok(verify(secret, ok, "body", { now: 1_700_000_100 }));
  assert.ok(!verify(secret, ok, "body2", { now: 1_700_000_000 }));
  assert.ok(!verify(secret, { ...ok, id: "id2" }, "body", { now: 1_700_000_000 }));
  assert.ok(!verify(secret, { ...ok, timestamp: "1700000001" }, "body", { now: 1_700_000_000 }));
  assert.ok(!verify(secret, ok, "body", { now: 1_700_001_000 }), "outside the 5-minute tolerance");
  assert.ok(!verify(secret, { ...ok, signature: sig.replace("v1,", "v2,") }, "body", { now: 1_700_000_000 }));
});
