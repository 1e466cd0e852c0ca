import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, TestApp } from "./helpers/app";
import { postIngest, repoId } from "./helpers/ingest";
import { fixtureBytes, loadMutable } from "./fixtures/real-fixtures";

/** lastSeenAt through the API, by fingerprint-free key: (ruleId, path, startLine, state). */
async function seen(app: TestApp, repository: string): Promise<{ id: string; state: string; lastSeenAt: string; key: string }[]> {
  const out: { id: string; state: string; lastSeenAt: string; key: string }[] = [];
  let after: string | null = null;
  for (;;) {
    const r = await app.gql(`query($r: [String!], $a: String) { findings(first: 100, after: $a, filter: { repository: $r }) {
      pageInfo { hasNextPage endCursor } nodes { id state lastSeenAt ruleId location { path startLine } } } }`, { r: [repository], a: after });
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    const c = r.body.data.findings;
    out.push(...c.nodes.map((n: any) => ({ id: n.id, state: n.state, lastSeenAt: n.lastSeenAt, key: `${n.ruleId}|${n.location.path}|${n.location.startLine}` })));
    if (!c.pageInfo.hasNextPage) return out;
    after = c.pageInfo.endCursor;
  }
}

const rowVersions = async (app: TestApp, repository: string): Promise<string[]> =>
  (await app.db.dataSource.query(`SELECT xmin::text AS x FROM finding WHERE repository_id = $1 ORDER BY id`, [await repoId(app, repository)])).map((r: { x: string }) => r.x);

const tick = () => new Promise((r) => setTimeout(r, 15));

describe("lastSeenAt without a row write per re-sighting", () => {
  let app: TestApp;
  before(async () => { app = await startTestApp(); });
  after(async () => { await app?.stop(); });

  test("an unchanged upload writes no finding row, yet every OPEN finding's lastSeenAt moves to it; a result that goes keeps the last time it was seen", async () => {
    const repository = "acme/last-seen";
    const log = loadMutable("semgrep.sarif");
    assert.equal((await postIngest(app, { repository }, log)).status, 200);
    const first = await seen(app, repository);
    assert.equal(first.length, log.runs[0].results.length);
    const t1 = first[0].lastSeenAt;
    assert.ok(first.every((f) => f.lastSeenAt === t1), "one upload, one time");
    const versions = await rowVersions(app, repository);

    await tick();
    const again = await postIngest(app, { repository }, log);
    assert.equal(again.body.unchanged, first.length);
    assert.deepEqual(await rowVersions(app, repository), versions, "no finding row was written");
    const second = await seen(app, repository);
    const t2 = second[0].lastSeenAt;
    assert.ok(t2 > t1, `${t2} after ${t1}`);
    assert.ok(second.every((f) => f.lastSeenAt === t2));

    // One result gone: FIXED, and it was last seen by the second upload, not the third.
    await tick();
    const removed = structuredClone(log);
    const [gone] = removed.runs[0].results.splice(3, 1);
    const third = await postIngest(app, { repository }, removed);
    assert.equal(third.body.fixed, 1);
    const afterFix = await seen(app, repository);
    const fixed = afterFix.filter((f) => f.state === "FIXED");
    assert.equal(fixed.length, 1);
    assert.equal(fixed[0].lastSeenAt, t2);
    const t3 = afterFix.find((f) => f.state === "OPEN")!.lastSeenAt;
    assert.ok(t3 > t2);
    assert.ok(afterFix.filter((f) => f.state === "OPEN").every((f) => f.lastSeenAt === t3));

    // Back again: reopened and seen now.
    await tick();
    removed.runs[0].results.splice(3, 0, gone);
    const fourth = await postIngest(app, { repository }, removed);
    assert.equal(fourth.body.reopened, 1);
    const back = (await seen(app, repository)).find((f) => f.id === fixed[0].id)!;
    assert.equal(back.state, "OPEN");
    assert.ok(back.lastSeenAt > t3);
  });

  test("a pull-request upload moves no default-branch lastSeenAt", async () => {
    const repository = "acme/last-seen-pr";
    await postIngest(app, { repository }, fixtureBytes("eslint.sarif"));
    const before = await seen(app, repository);
    await tick();
    await postIngest(app, { repository, ref: "refs/pull/1/merge" }, fixtureBytes("eslint.sarif"));
    assert.deepEqual(await seen(app, repository), before);
  });

  test("orderBy LAST_SEEN follows the effective time, and its cursors page through every finding once", async () => {
    const a = "acme/seen-old", b = "acme/seen-new";
    await postIngest(app, { repository: a }, fixtureBytes("eslint.sarif"));
    await postIngest(app, { repository: b }, fixtureBytes("gitleaks.sarif"));
    await tick();
    // A re-sighting of a's findings (no row write) makes them the most recently seen.
    await postIngest(app, { repository: a }, fixtureBytes("eslint.sarif"));
    const all: { id: string; lastSeenAt: string; repo: string }[] = [];
    let after: string | null = null;
    for (;;) {
      const r = await app.gql(`query($a: String) { findings(first: 2, after: $a, filter: { repository: ["${a}", "${b}"] }, orderBy: { field: LAST_SEEN, direction: DESC }) {
        pageInfo { hasNextPage endCursor } nodes { id lastSeenAt repository { fullName } } } }`, { a: after });
      assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
      all.push(...r.body.data.findings.nodes.map((n: any) => ({ id: n.id, lastSeenAt: n.lastSeenAt, repo: n.repository.fullName })));
      if (!r.body.data.findings.pageInfo.hasNextPage) break;
      after = r.body.data.findings.pageInfo.endCursor;
    }
    const expected = [...(await seen(app, a)), ...(await seen(app, b))];
    assert.equal(new Set(all.map((x) => x.id)).size, expected.length, "each finding once");
    assert.equal(all.length, expected.length);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].lastSeenAt >= all[i].lastSeenAt, "descending");
    assert.equal(all[0].repo, a, "the re-sighted repository first");
    assert.equal(all[all.length - 1].repo, b);
  });
});
