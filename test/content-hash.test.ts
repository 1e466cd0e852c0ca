import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { postIngest, repoId } from "./helpers/ingest";
import { loadMutable } from "./fixtures/real-fixtures";

// A re-upload compares digests first and stored rows field by field only where they differ (services/finding-hash.ts).
describe("content digest of a finding", () => {
  let app: TestApp;
  before(async () => { app = await startTestApp(); });
  after(async () => { await app?.stop(); });

  const rows = async (repository: string) => app.db.dataSource.query(
    `SELECT id, xmin::text AS x, content_hash, title FROM finding WHERE repository_id = $1 ORDER BY id`, [await repoId(app, repository)]) as Promise<{ id: string; x: string; content_hash: string | null; title: string }[]>;
  const events = async (repository: string) => (await app.db.dataSource.query(
    `SELECT type, count(*)::int AS n FROM finding_event WHERE repository_id = $1 GROUP BY 1 ORDER BY 1`, [await repoId(app, repository)])) as { type: string; n: number }[];

  test("rows without a digest are compared field by field, given one, and then skipped; a stored row that differs from its digest is found and updated", async () => {
    const repository = "acme/digest";
    const log = loadMutable("semgrep.sarif");
    const n = log.runs[0].results.length;
    assert.equal((await postIngest(app, { repository }, log)).status, 200);
    const first = await rows(repository);
    assert.equal(first.length, n);
    assert.ok(first.every((r) => r.content_hash && r.content_hash.length >= 20), "every new row has a digest");
    const eventsAfterFirst = await events(repository);

    // As if stored before digests existed: equal field by field, unchanged, and the digest is written.
    await app.db.dataSource.query(`UPDATE finding SET content_hash = NULL WHERE repository_id = $1`, [await repoId(app, repository)]);
    const legacy = await postIngest(app, { repository }, log);
    assert.equal(legacy.body.unchanged, n);
    assert.equal(legacy.body.updated, 0);
    const rehashed = await rows(repository);
    assert.deepEqual(rehashed.map((r) => r.content_hash), first.map((r) => r.content_hash), "the same digest as a new row gets");
    assert.deepEqual(await events(repository), eventsAfterFirst, "no event");

    // Digests equal: no finding row is read whole or written.
    const versions = rehashed.map((r) => r.x);
    const again = await postIngest(app, { repository }, log);
    assert.equal(again.body.unchanged, n);
    assert.deepEqual((await rows(repository)).map((r) => r.x), versions);

    // A stored row changed behind the digest's back (and its digest with it): the field comparison finds the title.
    const victim = rehashed[2];
    await app.db.dataSource.query(`UPDATE finding SET title = 'tampered', content_hash = 'other' WHERE id = $1`, [victim.id]);
    const repaired = await postIngest(app, { repository }, log);
    assert.equal(repaired.body.updated, 1);
    assert.equal(repaired.body.unchanged, n - 1);
    const after = await rows(repository);
    assert.equal(after.find((r) => r.id === victim.id)!.title, victim.title);
    assert.equal(after.find((r) => r.id === victim.id)!.content_hash, victim.content_hash);
    const count = (list: { type: string; n: number }[], type: string) => list.find((e) => e.type === type)?.n ?? 0;
    const now = await events(repository);
    assert.equal(count(now, "UPDATED"), count(eventsAfterFirst, "UPDATED") + 1, "one UPDATED event");
    assert.equal(now.reduce((n, e) => n + e.n, 0), eventsAfterFirst.reduce((n, e) => n + e.n, 0) + 1, "and nothing else");
  });
});
