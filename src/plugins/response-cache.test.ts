import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SnapshotCache } from "./response-cache.plugin";

const entry = (bytes: number) => ({ result: { data: { bytes } }, bytes, at: 0, body: "", cost: 0 });

describe("SnapshotCache", () => {
  test("keys live within their snapshot only", () => {
    const c = new SnapshotCache(1000);
    c.set("s1", "k", entry(10));
    assert.ok(c.get("s1", "k"));
    assert.equal(c.get("s2", "k"), undefined);
  });

  test("keeps the two newest snapshots and drops what is older", () => {
    const c = new SnapshotCache(1000);
    c.set("s1", "k", entry(10));
    c.set("s2", "k", entry(10));
    c.set("s3", "k", entry(10));
    assert.equal(c.get("s1", "k"), undefined);
    assert.ok(c.get("s2", "k") && c.get("s3", "k"));
    assert.deepEqual(c.size, { snapshots: 2, entries: 2, bytes: 20 });
  });

  test("stays under its byte bound, evicting the least recently used first", () => {
    const c = new SnapshotCache(100);
    c.set("s", "a", entry(40));
    c.set("s", "b", entry(40));
    c.get("s", "a"); // a is now the most recently used
    c.set("s", "c", entry(40));
    assert.ok(c.get("s", "a") && c.get("s", "c"));
    assert.equal(c.get("s", "b"), undefined);
    assert.ok(c.size.bytes <= 100);
    c.set("s", "huge", entry(101));
    assert.equal(c.get("s", "huge"), undefined, "an entry over the whole bound is not kept");
  });

  test("admits a key on its second sight within a snapshot", () => {
    const c = new SnapshotCache(100, 2);
    assert.equal(c.admit("s", "a"), false);
    assert.equal(c.admit("s", "a"), true);
    assert.equal(c.admit("t", "a"), false, "a new snapshot forgets");
    assert.equal(c.admit("t", "b"), false);
    assert.equal(c.admit("t", "c"), false, "over maxSeen the memory starts again");
    assert.equal(c.admit("t", "a"), false);
  });

  test("replacing a key does not count its bytes twice", () => {
    const c = new SnapshotCache(100);
    c.set("s", "a", entry(60));
    c.set("s", "a", entry(60));
    assert.deepEqual(c.size, { snapshots: 1, entries: 1, bytes: 60 });
  });
});
