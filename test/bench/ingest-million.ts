/**
 * A million findings through the ingest path (issue #3's rate), not part of npm test:
 *
 *   npm run build && node dist/test/bench/ingest-million.js [--findings 1000000] [--concurrency 2] [--database-url URL]
 *
 * On a fresh database (default posturegraph_ingest, dropped and created): the
 * server as its own process, then uploads of 25,000-result SARIF logs (each a
 * new repository, so every result is a new finding with its CREATED event)
 * over HTTP, `--concurrency` at a time. Reports findings/s overall and per
 * tenth of the run (the table grows under it), and the server's peak RSS.
 */
import pg from "pg";
import { Rss, sarif, startServer } from "./harness";

const argv = process.argv.slice(2);
const opt = (k: string, d: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 && argv[i + 1] ? argv[i + 1] : d; };
const TOTAL = Number(opt("findings", "1000000"));
const CONCURRENCY = Number(opt("concurrency", "2"));
const PER_UPLOAD = 25_000;
const DB_URL = opt("database-url", "postgres://postgres@127.0.0.1:5432/posturegraph_ingest");

async function freshDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = new URL(url); admin.pathname = "/postgres";
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try { await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); await c.query(`CREATE DATABASE ${name}`); } finally { await c.end(); }
}

async function main(): Promise<void> {
  await freshDatabase(DB_URL);
  const { base, token, child, stop } = await startServer(DB_URL);
  const rss = new Rss(child.pid!);
  const body = sarif(PER_UPLOAD);
  const uploads = Math.ceil(TOTAL / PER_UPLOAD);
  const done: number[] = [];
  let next = 0;
  const t0 = performance.now();
  rss.start();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < uploads; i = next++) {
      const res = await fetch(`${base}/ingest/sarif?repository=${encodeURIComponent(`million/repo-${i}`)}`, {
        method: "POST", headers: { "content-type": "application/sarif+json", authorization: `Bearer ${token}` }, body,
      });
      const json = await res.json() as { created?: number };
      if (!res.ok || json.created !== PER_UPLOAD) throw new Error(`upload ${i}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
      done.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const peak = rss.stop();
  const pool = new pg.Pool({ connectionString: DB_URL });
  const [{ n }] = (await pool.query("SELECT count(*)::int AS n FROM finding")).rows;
  const [{ e }] = (await pool.query("SELECT count(*)::int AS e FROM finding_event")).rows;
  await pool.end();
  stop();
  const tenth = Math.max(1, Math.floor(uploads / 10));
  const steps: number[] = [];
  for (let k = tenth; k <= done.length; k += tenth) {
    const from = k - tenth === 0 ? 0 : done[k - tenth - 1];
    steps.push(Math.round((tenth * PER_UPLOAD) / ((done[k - 1] - from) / 1000)));
  }
  console.log(JSON.stringify({ findings: n, events: e, uploads, concurrency: CONCURRENCY, seconds: Math.round(seconds * 10) / 10,
    findingsPerSecond: Math.round(n / seconds), perTenth: steps, serverPeakRssMB: peak }, null, 2));
  if (n !== uploads * PER_UPLOAD) throw new Error(`expected ${uploads * PER_UPLOAD} findings, found ${n}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
