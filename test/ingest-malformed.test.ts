import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import zlib from "node:zlib";
import { startTestApp, TestApp } from "./helpers/app";
import { count, postIngest } from "./helpers/ingest";
import { fixtureBytes, loadMutable } from "./fixtures/real-fixtures";
import { toGlobalId } from "../src/common/ids";

const TABLES = ["finding", "finding_event", "repository", "devops_organization", "import_run", "finding_observation", "rule"];

/** About `total` bytes of zeros, gzipped, without ever holding them in memory. */
function gzipBomb(total: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gz = zlib.createGzip({ level: 9 });
    const out: Buffer[] = [];
    gz.on("data", (c: Buffer) => out.push(c));
    gz.on("end", () => resolve(Buffer.concat(out)));
    gz.on("error", reject);
    const block = Buffer.alloc(1024 * 1024, 0x20); // spaces: a JSON-ish prefix would not matter, the size does
    let written = 0;
    const pump = () => {
      while (written < total) {
        written += block.length;
        if (!gz.write(block)) { gz.once("drain", pump); return; }
      }
      gz.end();
    };
    pump();
  });
}

describe("ingest: bad input answers 4xx and writes nothing", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ ingestBodyLimit: 32 * 1024 * 1024 });
    // Something to leave untouched.
    const r = await postIngest(app, { repository: "acme/existing" }, fixtureBytes("semgrep.sarif"));
    assert.equal(r.status, 200);
  });
  after(async () => { await app?.stop(); });

  async function snapshot(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = await count(app, t);
    return out;
  }

  async function expectRefused(params: Record<string, string>, body: Buffer | string | object, status: number, code: RegExp, opts: Parameters<typeof postIngest>[3] = {}) {
    const before = await snapshot();
    const r = await postIngest(app, params, body, opts);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.match(r.body.error.code, code);
    assert.equal(typeof r.body.error.message, "string");
    assert.ok(r.body.error.message.length > 5);
    assert.deepEqual(await snapshot(), before, "the database is exactly as before");
    return r.body.error;
  }

  const NEW = { repository: "newcorp/never-created" };

  test("not JSON", async () => { await expectRefused(NEW, "{not json", 400, /INVALID_JSON/); });
  test("not SARIF 2.1.0", async () => { await expectRefused(NEW, { version: "2.0.0", runs: [] }, 400, /UNSUPPORTED_VERSION|INVALID_SARIF/); });
  test("no runs", async () => { await expectRefused(NEW, { version: "2.1.0" }, 400, /INVALID_SARIF/); });
  test("invalid UTF-8", async () => {
    const buf = Buffer.concat([Buffer.from('{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}},"results":[]}]}')]);
    await expectRefused(NEW, buf, 400, /INVALID_JSON/);
  });
  test("nesting depth 10,000", async () => {
    await expectRefused(NEW, `{"version":"2.1.0","runs":[${"[".repeat(10_000)}${"]".repeat(10_000)}]}`, 400, /TOO_DEEP|INVALID/);
  });
  test("`..` climbing above the root", async () => {
    const log = loadMutable("eslint.sarif");
    log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "../../etc/passwd";
    const e = await expectRefused({ repository: "acme/existing" }, log, 400, /INVALID_PATH/);
    assert.match(e.message, /\.\./);
  });
  test("a gzip bomb (1 GB of spaces) stops at the limit while inflating", async () => {
    const bomb = await gzipBomb(1024 * 1024 * 1024);
    assert.ok(bomb.length < 5 * 1024 * 1024);
    const rss = process.memoryUsage().rss;
    await expectRefused(NEW, bomb, 413, /TOO_LARGE/, { encoding: "gzip" });
    assert.ok(process.memoryUsage().rss - rss < 512 * 1024 * 1024, "never inflated to 1 GB");
  });
  test("corrupt gzip", async () => { await expectRefused(NEW, Buffer.from("not gzip at all"), 400, /INVALID_GZIP/, { encoding: "gzip" }); });
  test("unsupported content encoding", async () => { await expectRefused(NEW, "{}", 415, /UNSUPPORTED_MEDIA_TYPE/, { encoding: "br" }); });
  test("unknown repository ID → 404", async () => {
    await expectRefused({ repository: toGlobalId("Repository", randomUUID()) }, fixtureBytes("eslint.sarif"), 404, /NOT_FOUND/);
  });
  test("missing or malformed repository → 400", async () => {
    await expectRefused({}, fixtureBytes("eslint.sarif"), 400, /INVALID_REQUEST/);
    await expectRefused({ repository: "just-a-name" }, fixtureBytes("eslint.sarif"), 400, /INVALID_REQUEST/);
    await expectRefused({ repository: "a/b/c/d" }, fixtureBytes("eslint.sarif"), 400, /INVALID_REQUEST/);
  });
  test("wrong content type → 415", async () => {
    await expectRefused(NEW, fixtureBytes("eslint.sarif"), 415, /UNSUPPORTED_MEDIA_TYPE/, { type: "text/plain" });
    await expectRefused(NEW, fixtureBytes("eslint.sarif"), 415, /UNSUPPORTED_MEDIA_TYPE/, { type: "application/vnd.cyclonedx+json" });
  });
  test("a token without the INGEST scope → 403; an organization-limited token may not create organizations", async () => {
    const mk = async (scopes: string[], organizations?: string[]) => {
      const r = await app.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, { i: { name: `t-${randomUUID()}`, scopes, organizations } });
      return r.body.data.createApiToken.token as string;
    };
    await expectRefused(NEW, fixtureBytes("eslint.sarif"), 403, /FORBIDDEN/, { token: await mk(["READ"]) });
    const org = await app.gql(`{ organizations(first: 10) { nodes { id name } } }`);
    const acme = org.body.data.organizations.nodes.find((o: any) => o.name === "acme").id;
    const limited = await mk(["INGEST"], [acme]);
    await expectRefused(NEW, fixtureBytes("eslint.sarif"), 403, /FORBIDDEN/, { token: limited });
    // ...but may create a repository in its own organization.
    const ok = await postIngest(app, { repository: "acme/limited-new" }, fixtureBytes("eslint.sarif"), { token: limited });
    assert.equal(ok.status, 200);
  });
  test("a 2 MB message ingests, truncated, with a warning", async () => {
    const log = loadMutable("eslint.sarif");
    log.runs[0].results[0].message = { text: "x".repeat(2 * 1024 * 1024) };
    const r = await postIngest(app, { repository: "acme/big-message" }, log);
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
    assert.equal(r.body.created, 1);
    assert.ok(r.body.warnings.some((w: string) => /truncat|were cut/i.test(w)), JSON.stringify(r.body.warnings));
    const [row] = await app.db.dataSource.query(`SELECT length(message) AS n FROM finding f JOIN repository r ON r.id = f.repository_id WHERE r.full_name = 'acme/big-message'`);
    assert.ok(row.n < 100_000);
  });
  test("a body over the compressed limit is refused before inflating", async () => {
    const small = await startTestApp({ ingestCompressedLimit: 1024 });
    try {
      const r = await postIngest(small, NEW, zlib.gzipSync(Buffer.from(JSON.stringify(loadMutable("semgrep.sarif")))), { encoding: "gzip" });
      assert.equal(r.status, 413);
      assert.equal(r.body.error.code, "TOO_LARGE");
      const ok = await postIngest(small, NEW, zlib.gzipSync(fixtureBytes("eslint.sarif")), { encoding: "gzip" });
      assert.equal(ok.status, 200);
    } finally { await small.stop(); }
  });
});
