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
import { createClient, Client } from "graphql-ws";
import WebSocket from "ws";

export const now = (): number => performance.timeOrigin + performance.now();

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
type FromChild = { type: "acked"; count: number; failed: number } | { type: "receipts"; receipts: [string, number, number][]; errors: string[] }
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
  async receipts(): Promise<{ receipts: Receipt[]; errors: string[] }> {
    const r = await this.request<{ receipts: [string, number, number][]; errors: string[] }>({ type: "receipts" }, "receipts");
    return { receipts: r.receipts.map(([seq, at, subscriber]) => ({ seq, at, subscriber })), errors: r.errors };
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
  const clients: Client[] = [];
  const receipts: [string, number, number][] = [];
  const errors: string[] = [];
  const send = (m: FromChild) => process.send!(m);
  const connect = (spec: { url: string; token: string }, onAck: (ok: boolean) => void) => createClient({
    url: spec.url.replace(/^http/, "ws") + "/graphql", webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${spec.token}` },
    retryAttempts: 0, lazy: false, keepAlive: 0,
    onNonLazyError: (e) => { errors.push(String((e as { reason?: string })?.reason ?? e)); onAck(false); },
    on: { connected: () => onAck(true) },
  });
  let spec: SubscriberSpec | undefined;

  process.on("message", async (m: ToChild) => {
    if (m.type === "start") {
      spec = m.spec;
      let acked = 0, failed = 0, next = 0;
      if (spec.count > 0) await new Promise<void>((resolve) => {
        const open = () => {
          if (next >= spec!.count) return;
          const i = next++;
          let done = false;
          const c = connect(spec!, (ok) => {
            if (done) return;
            done = true;
            if (ok) acked++; else failed++;
            if (acked + failed === spec!.count) resolve(); else open();
          });
          clients.push(c);
          c.subscribe({ query: spec!.query, variables: spec!.variables[i % spec!.variables.length] }, {
            next: (r: any) => {
              const cur = r.data?.findingEvents?.cursor;
              if (cur) receipts.push([seqOf(cur), now(), i]);
              if (r.errors) errors.push(JSON.stringify(r.errors).slice(0, 300));
            },
            error: (e: any) => errors.push(JSON.stringify(e?.reason ?? e?.message ?? e).slice(0, 300)),
            complete: () => undefined,
          });
        };
        for (let k = 0; k < (spec!.concurrency ?? 50); k++) open();
      });
      send({ type: "acked", count: acked, failed });
    } else if (m.type === "receipts") {
      send({ type: "receipts", receipts: receipts.splice(0), errors: errors.splice(0) });
    } else if (m.type === "subscribe-once") {
      const startedAt = now();
      let events = 0;
      const c = connect(spec!, () => undefined);
      c.subscribe({ query: m.query, variables: m.variables }, {
        next: (r: any) => {
          events++;
          const cur = r.data?.findingEvents?.cursor;
          if (cur && BigInt(seqOf(cur)) >= BigInt(m.untilSeq)) { send({ type: "caught-up", events, at: now(), startedAt }); void c.dispose(); }
        },
        error: (e: any) => { errors.push(String(e?.message ?? e)); },
        complete: () => undefined,
      });
    } else if (m.type === "close") {
      await Promise.all(clients.map((c) => c.dispose()));
      send({ type: "closed" });
      process.exit(0);
    }
  });
}

if (require.main === module) runChild();
