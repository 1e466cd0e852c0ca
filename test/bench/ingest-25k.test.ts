// Not part of `npm test` (scripts/run-tests.mjs skips bench/): node --test dist/test/bench/ingest-25k.test.js
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { startTestApp, TestApp } from "../helpers/app";
import { postIngest } from "../helpers/ingest";
import { fixtureBytes } from "../fixtures/real-fixtures";

function synthetic(n: number): object {
  const rules = Array.from({ length: 50 }, (_, i) => ({ id: `rule-${i}`, shortDescription: { text: `Rule ${i}` }, properties: { "security-severity": String((i % 10) + 0.5), tags: ["security"] } }));
  const results = Array.from({ length: n }, (_, i) => ({
    ruleId: `rule-${i % 50}`, level: "warning", message: { text: `Issue ${i} in module ${i % 97}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: `src/mod${i % 500}/file${i}.ts` }, region: { startLine: (i % 300) + 1 } } }],
    partialFingerprints: { primaryLocationLineHash: `h${i.toString(16)}:1` },
  }));
  return { version: "2.1.0", runs: [{ tool: { driver: { name: "synthetic", version: "1", rules } }, results }] };
}

let app: TestApp;
before(async () => { app = await startTestApp(); });
after(async () => { await app?.stop(); });

test("timings", async () => {
  const t0 = Date.now();
  const big = await postIngest(app, { repository: "bench/semgrep" }, fixtureBytes("semgrep.sarif"));
  console.log(`largest fixture semgrep.sarif (77 results, 254 KB): ${Date.now() - t0} ms`, big.body.created);
  const body = Buffer.from(JSON.stringify(synthetic(25_000)));
  fs.writeFileSync("/tmp/synthetic-25k.sarif", body);
  let t = Date.now();
  const first = await postIngest(app, { repository: "bench/25k" }, body);
  console.log(`25,000 results first upload (${(body.length / 1e6).toFixed(1)} MB): ${Date.now() - t} ms`, JSON.stringify(first.body).slice(0, 200));
  assert.equal(first.body.created, 25_000);
  t = Date.now();
  const again = await postIngest(app, { repository: "bench/25k" }, body);
  console.log(`25,000 results unchanged re-upload: ${Date.now() - t} ms`, again.body.unchanged);
  assert.equal(again.body.unchanged, 25_000);
});
