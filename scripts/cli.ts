/**
 * `npm run cli -- ingest-sarif FILE --repository acme/api [--commit SHA] [--ref REF] [--category CAT]
 *                 [--url http://127.0.0.1:4000 --token T]`
 * (also `ingest-cyclonedx`). With --url/--token (or POSTURE_URL/POSTURE_TOKEN) it POSTs to a running
 * server; otherwise it opens the configured database (DATABASE_URL or DATA_DIR) and ingests directly.
 */
import "reflect-metadata";
import fs from "node:fs";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/common/logger";
import { UNRESTRICTED } from "../src/common/auth";
import { openAppDatabase, createServices } from "../src/composition";
import { IngestFormat } from "../src/ingest";
import { toHttpError } from "../src/common/error-mapping";

const USAGE = "usage: npm run cli -- ingest-sarif|ingest-cyclonedx FILE --repository NAME [--commit SHA] [--ref REF] [--category CAT] [--url URL --token TOKEN]";

function parseArgs(argv: string[]): { command: string; file: string; opts: Record<string, string> } {
  const [command, file, ...rest] = argv;
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(rest[i]);
    if (!m) throw new Error(`unexpected argument ${rest[i]}\n${USAGE}`);
    opts[m[1]] = m[2] ?? rest[++i];
    if (opts[m[1]] === undefined) throw new Error(`--${m[1]} needs a value\n${USAGE}`);
  }
  if (!command || !file || !["ingest-sarif", "ingest-cyclonedx"].includes(command) || !opts.repository) throw new Error(USAGE);
  return { command, file, opts };
}

async function main(): Promise<number> {
  const { command, file, opts } = parseArgs(process.argv.slice(2));
  const format: IngestFormat = command === "ingest-cyclonedx" ? "CYCLONEDX" : "SARIF";
  const body = fs.readFileSync(file);
  const config = loadConfig();
  const url = opts.url ?? config.postureUrl;
  const token = opts.token ?? config.postureToken;
  if (url) {
    if (!token) throw new Error("--url needs --token (or POSTURE_TOKEN)");
    const qs = new URLSearchParams();
    for (const k of ["repository", "commit", "ref", "category"]) if (opts[k]) qs.set(k, opts[k]);
    const gz = file.endsWith(".gz");
    const res = await fetch(`${url.replace(/\/$/, "")}/ingest/${format === "SARIF" ? "sarif" : "cyclonedx"}?${qs}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(gz ? { "content-encoding": "gzip" } : {}) },
      body,
    });
    const text = await res.text();
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    return res.ok ? 0 : 1;
  }
  const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const db = await openAppDatabase(config);
  try {
    const services = createServices(db.dataSource, config, logger);
    const summary = await services.ingest.ingest(UNRESTRICTED, {
      repository: opts.repository, commit: opts.commit, ref: opts.ref, category: opts.category, format, body,
    });
    const { defaultBranch: _d, categories: _c, ...out } = summary;
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  } catch (err) {
    const mapped = toHttpError(err);
    if (!mapped) throw err;
    process.stderr.write(`${JSON.stringify(mapped.body)}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
