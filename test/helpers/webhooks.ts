import crypto from "node:crypto";
import http from "node:http";
import { AddressInfo } from "node:net";
import { TestApp } from "./app";

export interface Hit { id: string; timestamp: string; signature: string; body: string; json: any; status: number; at: number }

/** What the receiver answers to the n-th request (1-based) carrying one webhook-id: a status, optionally after a delay. */
export type Behaviour = (attempt: number, hit: Omit<Hit, "status" | "at">) => { status: number; delayMs?: number };

export interface Receiver { url: string; hits: Hit[]; setBehaviour(b: Behaviour): void; until(pred: (hits: Hit[]) => boolean, ms?: number, what?: string): Promise<void>; close(): Promise<void> }

/** A real HTTP receiver on 127.0.0.1 recording every request (headers and raw body). */
export async function startReceiver(behaviour: Behaviour = () => ({ status: 200 })): Promise<Receiver> {
  const hits: Hit[] = [];
  const perId = new Map<string, number>();
  let b = behaviour;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const base = { id: String(req.headers["webhook-id"]), timestamp: String(req.headers["webhook-timestamp"]), signature: String(req.headers["webhook-signature"]), body, json: JSON.parse(body) };
      const n = (perId.get(base.id) ?? 0) + 1;
      perId.set(base.id, n);
      const { status, delayMs } = b(n, base);
      const answer = () => {
        hits.push({ ...base, status, at: Date.now() });
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(`answer ${status}`);
      };
      if (delayMs) setTimeout(answer, delayMs); else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url, hits,
    setBehaviour(next) { b = next; },
    async until(pred, ms = 30_000, what = "webhook requests") {
      const end = Date.now() + ms;
      while (!pred(hits)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${hits.length} requests`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() { server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
}

/** The receiver's check, independent of the server's code: Standard Webhooks v1 with plain node:crypto. */
export function independentVerify(secret: string, hit: Pick<Hit, "id" | "timestamp" | "signature" | "body">): boolean {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = crypto.createHmac("sha256", key).update(`${hit.id}.${hit.timestamp}.${hit.body}`).digest("base64");
  return hit.signature.split(" ").some((s) => s === `v1,${expected}`);
}

export const WEBHOOK_FIELDS = "id url description events filter enabled disabledReason cursor createdAt";

export async function createWebhook(app: TestApp, input: Record<string, unknown>, token?: string): Promise<{ id: string; secret: string; body: any }> {
  const r = await app.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { ${WEBHOOK_FIELDS} } } }`, { i: input }, token);
  return { id: r.body.data?.createWebhook?.webhook.id, secret: r.body.data?.createWebhook?.secret, body: r.body };
}

export async function deliveries(app: TestApp, webhook: string, first = 100): Promise<any[]> {
  const r = await app.gql(`query($w: ID!, $n: Int) { webhookDeliveries(webhook: $w, first: $n) { nodes { id eventType eventCursor status attempts responseStatus responseExcerpt nextAttemptAt lastAttemptAt error createdAt } } }`, { w: webhook, n: first });
  if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
  return r.body.data.webhookDeliveries.nodes;
}

export async function waitFor<T>(fn: () => Promise<T>, pred: (v: T) => boolean, ms = 30_000, what = "condition"): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
