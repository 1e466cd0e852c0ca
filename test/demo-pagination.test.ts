import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import pg from "pg";
import { startTestApp, TestApp } from "./helpers/app";
import { seedDemo } from "../scripts/demo/seed";
import { FindingCategory, Severity } from "../src/common/types";

const PAGE = `query Page($after: String) {
  findings(first: 50, after: $after, orderBy: {field: PRIORITY, direction: DESC}) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id priority { score } } }
  }
}`;

describe("demo dataset and keyset paging", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await seedDemo(app.db.dataSource, app.services.findingStore);
  });
  after(async () => { await app?.stop(); });

  test("the top findings by priority come with repository, organization, location and priority", async () => {
    const res = await app.gql(`{ findings(first: 20, orderBy: {field: PRIORITY, direction: DESC}, filter: {state: [OPEN]}) {
      nodes { title severity repository { fullName organization { name provider } } location { path startLine } priority { score level factors { key contribution detail } } } } }`);
    assert.equal(res.body.errors, undefined);
    const nodes = res.body.data.findings.nodes;
    assert.equal(nodes.length, 20);
    for (let i = 1; i < nodes.length; i++) assert.ok(nodes[i - 1].priority.score >= nodes[i].priority.score, "ordered by score");
    for (const n of nodes) {
      assert.ok(n.repository.fullName && n.repository.organization.name);
      assert.equal(n.priority.factors.reduce((s: number, f: { contribution: number }) => s + f.contribution, 0), n.priority.score, "factors add up to the score");
    }
    // The most urgent open finding reaches an internet-exposed production resource or is on KEV.
    assert.ok(nodes[0].priority.factors.some((f: { key: string }) => f.key === "internet_exposure" || f.key === "kev"));
  });

  test("every category and state is present", async () => {
    const res = await app.gql("{ postureSummary { totalFindings openFindings byCategory { category count } byState { state count } } }");
    const s = res.body.data.postureSummary;
    assert.ok(s.totalFindings > 500);
    for (const c of s.byCategory) assert.ok(c.count > 0, `open ${c.category} findings`);
    for (const st of s.byState) assert.ok(st.count > 0, `${st.state} findings`);
  });

  test("cursor paging visits every finding exactly once, also while new findings are inserted", async () => {
    const seen = new Set<string>();
    const original = new Set<string>((await app.db.dataSource.query("SELECT id FROM finding")).map((r: { id: string }) => `${Buffer.from(`Finding:${r.id}`).toString("base64url")}`));
    let after: string | null = null;
    let pages = 0;
    let lastScore = Infinity;
    const repo = (await app.db.dataSource.query("SELECT id, organization_id FROM repository LIMIT 1"))[0];
    do {
      const res = await app.gql(PAGE, { after });
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      const conn = res.body.data.findings;
      for (const e of conn.edges) {
        assert.ok(!seen.has(e.node.id), "no repeats");
        seen.add(e.node.id);
        assert.ok(e.node.priority.score <= lastScore, "still ordered across pages");
        lastScore = e.node.priority.score;
      }
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      pages++;
      // Between pages, new findings arrive (some above, some below the cursor).
      await app.db.dataSource.transaction((tx) => app.services.findingStore.load(tx, {
        organizationId: repo.organization_id, repositoryId: repo.id, analysisCategory: `live-${pages}`, source: "test", complete: false,
      }, [1, 2, 3].map((k) => ({
        fingerprint: crypto.randomUUID(), category: FindingCategory.CODE, severity: k === 1 ? Severity.CRITICAL : Severity.LOW, title: "new", message: null,
        ruleId: "r", tool: "t", toolVersion: null, path: "a.ts", startLine: k, endLine: k, startColumn: null, endColumn: null, snippet: null,
        vulnerabilityId: null, cwes: [], cvssScore: k === 1 ? 9.9 : 1, cvssVector: null, packageName: null, packageVersion: null, fixedVersion: null, details: {},
      }))));
    } while (after);
    for (const id of original) assert.ok(seen.has(id), "no gaps: every finding present from the start was visited");
    assert.ok(pages > 10);
  });

  test("100 findings with repository, organization and owner cost a bounded number of SQL statements", async () => {
    let statements = 0;
    const original = pg.Client.prototype.query;
    // Count every statement any pooled client sends while the request runs.
    (pg.Client.prototype as any).query = function (this: pg.Client, ...args: unknown[]) { statements++; return (original as any).apply(this, args); };
    try {
      const res = await app.gql(`{ findings(first: 100) { totalCount nodes { id owner repository { fullName organization { name } } organization { name } location { path } priority { score level factors { key } } rule { ruleId } } } }`);
      assert.equal(res.body.errors, undefined);
      assert.equal(res.body.data.findings.nodes.length, 100);
    } finally {
      pg.Client.prototype.query = original;
    }
    // token lookup, page, count, repositories, organizations, rules, resources, intel (+ pool/transaction noise): never one per finding.
    assert.ok(statements <= 15, `statements: ${statements}`);
    console.log(`# SQL statements for 100 findings with relations: ${statements}`);
  });
});
