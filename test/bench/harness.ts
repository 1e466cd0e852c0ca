/** Measurement helpers of the benchmark harness (run.ts). */
import { ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const ROOT = path.resolve(__dirname, "../../..");

/** The server (node dist/src/index.js) as its own process on DB_URL, ready; stopped when this process exits. */
export async function startServer(dbUrl: string, port?: number, env: Record<string, string> = {}): Promise<{ base: string; token: string; child: ChildProcess; stop: () => void }> {
  port ??= await freePort();
  const token = `pgr_bench_${crypto.randomBytes(16).toString("hex")}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgr-bench-"));
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "dist/src/index.js")], {
    env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), HOST: "127.0.0.1", ADMIN_TOKEN: token, SECRET_KEY: process.env.SECRET_KEY ?? crypto.randomBytes(32).toString("base64"), SCHEDULER: "off", LOG_LEVEL: "warn",
      // The per-token rate budgets (600 requests, 500k cost a minute) would cap a throughput run; they are measured elsewhere.
      RATE_LIMIT_REQUESTS: "100000000", RATE_LIMIT_COST: "1000000000000", DATA_DIR: dataDir, NODE_ENV: "production", ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stop = () => { if (child.exitCode === null) child.kill("SIGTERM"); };
  process.on("exit", stop);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/readyz`)).ok) break; } catch { /* starting */ }
    if (i > 600 || child.exitCode !== null) throw new Error("server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, token, child, stop };
}

export interface Stat { n: number; p50: number; p95: number; p99: number; max: number; rps: number }
export interface Row { scenario: string; target: string; graphql?: Stat; sql?: Stat; ratioP95?: number; note?: string; ok?: boolean | null; extra?: Record<string, unknown> }

export function stats(ms: number[], wallMs: number): Stat {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(q(50)), p95: r(q(95)), p99: r(q(99)), max: r(s[s.length - 1]), rps: Math.round((s.length / wallMs) * 1000) };
}

/** Runs `fn` `total` times with `concurrency` workers after `warmup` calls; latencies in ms. */
export async function measure(fn: () => Promise<void>, total: number, concurrency = 1, warmup = Math.min(20, total)): Promise<Stat> {
  for (let i = 0; i < warmup; i++) await fn();
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < total) { const t = performance.now(); await fn(); lat.push(performance.now() - t); }
  }));
  return stats(lat, performance.now() - t0);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    s.on("error", reject);
  });
}

export async function ensureDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  const admin = new URL(url); admin.pathname = "/postgres";
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) { if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`); await c.query(`CREATE DATABASE ${name}`); console.log(`created database ${name}`); }
  } finally { await c.end(); }
}

export class Rss {
  peak = 0; hwm = 0; private timer?: NodeJS.Timeout;
  constructor(private readonly pid: number) {}
  read(): { rss: number; hwm: number } {
    const s = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
    return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
  }
  start() { this.peak = 0; this.timer = setInterval(() => { try { const r = this.read(); this.peak = Math.max(this.peak, r.rss); this.hwm = r.hwm; } catch { /* exited */ } }, 50); }
  stop(): number { clearInterval(this.timer); return Math.round(this.peak); }
}

export function cursor(score: number, id: string): string {
  return Buffer.from(JSON.stringify({ k: "PRIORITY", v: score, i: id })).toString("base64url");
}

/** Synthetic SARIF log (the generator of ingest-25k.test.ts). */
export function sarif(n: number): Buffer {
  const rules = Array.from({ length: 50 }, (_, i) => ({ id: `rule-${i}`, shortDescription: { text: `Rule ${i}` }, properties: { "security-severity": String((i % 10) + 0.5), tags: ["security"] } }));
  const results = Array.from({ length: n }, (_, i) => ({
    ruleId: `rule-${i % 50}`, level: "warning", message: { text: `Issue ${i} in module ${i % 97}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: `src/mod${i % 500}/file${i}.ts` }, region: { startLine: (i % 300) + 1 } } }],
    partialFingerprints: { primaryLocationLineHash: `h${i.toString(16)}:1` },
  }));
  return Buffer.from(JSON.stringify({ version: "2.1.0", runs: [{ tool: { driver: { name: "synthetic", version: "1", rules } }, results }] }));
}

