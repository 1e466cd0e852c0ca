// Runs every compiled *.test.js under dist/ with node's test runner.
// (Node 20's --test takes files, not globs, so we list them.)
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ["dist/src", "dist/test"];
const files = [];
const walk = (dir) => {
  let entries = [];
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== "bench") walk(p); }
    else if (name.endsWith(".test.js")) files.push(p);
  }
};
roots.forEach(walk);
if (!files.length) { console.error("no test files found: run `npm run build` first"); process.exit(1); }
const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
