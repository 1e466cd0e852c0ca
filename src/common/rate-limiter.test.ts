import { test } from "node:test";
import assert from "node:assert/strict";
import { RateLimiter } from "./rate-limiter";

test("a bucket allows a minute's budget at once, then refills continuously", () => {
  let now = 0;
  const l = new RateLimiter(60, () => now);
  for (let i = 0; i < 60; i++) assert.equal(l.take("t"), true);
  assert.equal(l.take("t"), false);
  assert.equal(l.retryAfter("t"), 1);
  now += 1000;
  assert.equal(l.take("t"), true, "one unit per second at 60/min");
  assert.equal(l.take("t"), false);
  assert.equal(l.take("other"), true, "keys are independent");
});

test("costly takes: refused without taking; a single cost above the whole budget runs only on a full bucket", () => {
  let now = 0;
  const l = new RateLimiter(100, () => now);
  assert.equal(l.take("t", 70), true);
  assert.equal(l.take("t", 50), false);
  assert.equal(l.take("t", 30), true);
  assert.equal(l.retryAfter("t", 30), 18);
  now += 60_000;
  assert.equal(l.take("t", 500), true, "full bucket");
  assert.equal(l.take("t", 1), false);
});

test("charge counts failures without refusing; 0 per minute disables", () => {
  const l = new RateLimiter(3, () => 0);
  l.charge("ip"); l.charge("ip"); l.charge("ip");
  assert.ok(l.retryAfter("ip") > 0);
  const off = new RateLimiter(0);
  for (let i = 0; i < 1000; i++) assert.equal(off.take("x", 100), true);
});

test("memory stays bounded under key spraying", () => {
  const l = new RateLimiter(10, () => 0, 100);
  for (let i = 0; i < 1000; i++) l.take(`ip${i}`);
  assert.ok((l as unknown as { buckets: Map<string, unknown> }).buckets.size <= 100);
});
