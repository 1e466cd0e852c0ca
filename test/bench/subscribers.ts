/**
 * Many graphql-ws subscribers in a process of their own (child_process.fork),
 * so that client work never competes with the server's event loop: the
 * parent (a benchmark) keeps the server, or drives one elsewhere, and asks
 * this process for the receipt times.
 *
 * Clock: receipt times are `performance.timeOrigin + performance.now()`,
 * wall-clock milliseconds with sub-millisecond resolution, comparable across
 * the processes of one machine; the parent stamps commits the same way.
 */
import { ChildProcess, fork } from "node:child_process";
import WebSocket from "ws";

export const now = (): number => performance.timeOrigin + performance.now();

/** Ten different filters (subscriber i gets filter i % 10); `repository` names one that exists. */
export const BENCH_FILTERS = (repository: string): Record<string, unknown>[] => [
  {}, { severity: ["HIGH", "CRITICAL"] }, { severity: ["MEDIUM"] }, { category: ["CODE"] }, { state: ["OPEN"] },
  { minScore: 10 }, { repository: [repository] }, { priorityLevel: ["P2", "P3", "P4"] }, { owner: [""] }, { internetExposed: false },
];
export const BENCH_QUERY = "subscription($f: FindingFilter) { findingEvents(filter: $f) { cursor type ocsf finding { id severity } } }";

/** Nearest-rank percentile. */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN;
};

export interface SubscriberSpec {
  url: string;
  token: string;
  count: number;
  query: string;
  /** Variables of subscriber i are variables[i % variables.length]. */
  variables: Record<string, unknown>[];
  /** Connections opened at once (the rest wait for those to be acknowledged). */
  concurrency?: number;
}

export interface Receipt { seq: string; at: number; subscriber: number }

type ToChild = { type: "start"; spec: SubscriberSpec } | { type: "receipts" } | { type: "subscribe-once"; query: string; variables: Record<string, unknown>; untilSeq: string } | { type: "close" };
type FromChild = { type: "acked"; count: number; failed: number } | { type: "receipts"; receipts: [string, number, number][]; errors: string[]; cpuMs: number }
  | { type: "caught-up"; events: number; at: number; startedAt: number } | { type: "closed" };

/** The parent's handle on a forked subscriber process. */
export class SubscriberPool {
  private constructor(private readonly child: ChildProcess) {}

  /** Forks the process and connects `spec.count` subscribers; resolves once every connection is acknowledged. */
  static async start(spec: SubscriberSpec): Promise<SubscriberPool> {
    const child = fork(__filename, [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
    const pool = new SubscriberPool(child);
    const acked = await pool.request<{ count: number; failed: number }>({ type: "start", spec }, "acked");
    if (acked.failed) throw new Error(`${acked.failed} of ${spec.count} subscriber connections failed`);
    return pool;
  }

  /** Every receipt so far (seq of the event, wall-clock receipt time, subscriber index), and the errors seen. */
  async receipts(): Promise<{ receipts: Receipt[]; errors: string[]; cpuMs: number }> {
    const r = await this.request<{ receipts: [string, number, number][]; errors: string[]; cpuMs: number }>({ type: "receipts" }, "receipts");
    return { receipts: r.receipts.map(([seq, at, subscriber]) => ({ seq, at, subscriber })), errors: r.errors, cpuMs: r.cpuMs };
  }

  /** One more subscriber that resumes with `variables.after`; resolves when it has received `untilSeq` (times are wall-clock ms). */
  async catchUp(query: string, variables: Record<string, unknown>, untilSeq: string): Promise<{ events: number; at: number; startedAt: number }> {
    return this.request({ type: "subscribe-once", query, variables, untilSeq }, "caught-up");
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.request({ type: "close" }, "closed").catch(() => undefined);
    await new Promise<void>((resolve) => { if (this.child.exitCode !== null) resolve(); else this.child.once("exit", () => resolve()); });
  }

  private request<T>(message: ToChild, answer: FromChild["type"]): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromChild) => { if (m.type === answer) { cleanup(); resolve(m as T); } };
      const onExit = (code: number | null) => { cleanup(); reject(new Error(`subscriber process exited (${code})`)); };
      const cleanup = () => { this.child.off("message", onMessage); this.child.off("exit", onExit); };
      this.child.on("message", onMessage);
      this.child.on("exit", onExit);
      this.child.send(message);
    });
  }
}

// ---- the child ----

function seqOf(cursor: string): string {
  return Buffer.from(cursor, "base64url").toString().split(":")[1];
}

function runChild(): void {
  const clients: WebSocket[] = [];
  const receipts: [string, number, number][] = [];
  const errors: string[] = [];
  const send = (m: FromChild) => process.send!(m);
  /**
   * A minimal graphql-transport-ws client on a raw socket: the receipt is stamped when the frame arrives and
   * the cursor is picked out without parsing the payload, so that 1,000 sockets in one process measure the
   * server's delivery, not this process's JSON parsing (a real SIEM client has a machine of its own).
   */
  const connect = (url: string, token: string, query: string, variables: Record<string, unknown>,
    onEvent: (seq: string, at: number) => void, onAck: (ok: boolean) => void) => {
    const ws = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
    let acked = false;
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    ws.on("message", (data: Buffer) => {
      const at = now();
      const text = data.toString();
      const m = text.startsWith('{"id":') && text.includes('"type":"next"') ? /"cursor":"([A-Za-z0-9_-]+)"/.exec(text) : null;
      if (m) { onEvent(seqOf(m[1]), at); return; }
      const msg = JSON.parse(text) as { type: string; payload?: unknown };
      if (msg.type === "connection_ack") {
        acked = true;
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
        onAck(true);
      } else if (msg.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
      else if (msg.type === "next" || msg.type === "error") errors.push(JSON.stringify(msg.payload).slice(0, 300));
    });
    ws.on("error", (e) => errors.push(String(e)));
    ws.on("close", (code, reason) => { if (!acked) { errors.push(`closed ${code} ${reason.toString()}`); onAck(false); } });
    return ws;
  };
  let spec: SubscriberSpec | undefined;
  let cpuMark = process.cpuUsage();

  process.on("message", async (m: ToChild) => {
    if (m.type === "start") {
      spec = m.spec;
      let acked = 0, failed = 0, next = 0;
      if (spec.count > 0) await new Promise<void>((resolve) => {
        const open = () => {
          if (next >= spec!.count) return;
          const i = next++;
          let done = false;
          const c = connect(spec!.url, spec!.token, spec!.query, spec!.variables[i % spec!.variables.length], (seq, at) => receipts.push([seq, at, i]), (ok) => {
            if (done) return;
            done = true;
            if (ok) acked++; else failed++;
            if (acked + failed === spec!.count) resolve(); else open();
          });
          clients.push(c);
        };
        for (let k = 0; k < (spec!.concurrency ?? 50); k++) open();
      });
      cpuMark = process.cpuUsage();
      send({ type: "acked", count: acked, failed });
    } else if (m.type === "receipts") {
      const cpu = process.cpuUsage(cpuMark);
      cpuMark = process.cpuUsage();
      send({ type: "receipts", receipts: receipts.splice(0), errors: errors.splice(0), cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (m.type === "subscribe-once") {
      const startedAt = now();
      let events = 0;
      const c = connect(spec!.url, spec!.token, m.query, m.variables, (seq) => {
        events++;
        if (BigInt(seq) >= BigInt(m.untilSeq)) { send({ type: "caught-up", events, at: now(), startedAt }); c.close(); }
      }, () => undefined);
    } else if (m.type === "close") {
      await Promise.all(clients.map((c) => new Promise((r) => { if (c.readyState === WebSocket.CLOSED) r(undefined); else { c.once("close", r); c.close(); } })));
      send({ type: "closed" });
      process.exit(0);
    }
  });
}

if (require.main === module) runChild();
