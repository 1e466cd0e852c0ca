import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import { jsonArray, numberArray, textArray, timeArray } from "./pg-array";

let db: PGlite;
before(async () => { db = new PGlite(); await db.waitReady; });
after(async () => { await db.close(); });

test("PostgreSQL reads the literals back as the values", async () => {
  const texts = ["plain", "with \"quotes\" and \\ backslash", "", "comma, {braces}", "NULL", "new\nline\ttab", "ünï©ødé 🚀", null];
  const r = await db.query<{ t: (string | null)[] }>("SELECT $1::text[] AS t", [textArray(texts)]);
  assert.deepEqual(r.rows[0].t, texts);
  const nums = await db.query<{ n: (number | null)[] }>("SELECT $1::real[] AS n", [numberArray([1, 2.5, null, NaN, -3])]);
  assert.deepEqual(nums.rows[0].n, [1, 2.5, null, null, -3]);
  const at = new Date("2026-01-02T03:04:05.678Z");
  const times = await db.query<{ t: (Date | null)[] }>("SELECT $1::timestamptz[] AS t", [timeArray([at, null, at])]);
  assert.deepEqual(times.rows[0].t.map((d) => d?.toISOString() ?? null), [at.toISOString(), null, at.toISOString()]);
  const docs = await db.query<{ j: unknown[] }>("SELECT $1::jsonb[] AS j", [jsonArray([{ a: 1, s: "x\"y" }, {}, null])]);
  assert.deepEqual(docs.rows[0].j, [{ a: 1, s: "x\"y" }, {}, {}]);
});

test("text PostgreSQL cannot store becomes U+FFFD instead of an error", async () => {
  const r = await db.query<{ t: string[] }>("SELECT $1::text[] AS t", [textArray(["a\u0000b", "lone \ud800"])]);
  assert.deepEqual(r.rows[0].t, ["a\ufffdb", "lone \ufffd"]);
  const j = await db.query<{ j: unknown[] }>("SELECT $1::jsonb[] AS j", [jsonArray([{ m: "a\u0000b" }])]);
  assert.deepEqual(j.rows[0].j, [{ m: "a\ufffdb" }]);
});
