import http from "node:http";
import https from "node:https";
import net from "node:net";
import { guardedLookup, isPrivateAddress, parseTargetUrl } from "./target-guard";

export const EXCERPT_LIMIT = 512;

export interface SendResult {
  /** The HTTP status, null when no response arrived. */
  status: number | null;
  /** The first EXCERPT_LIMIT characters of the response body. */
  excerpt: string | null;
  /** Why the attempt failed without a status (timeout, refused target, network); null on a response. */
  error: string | null;
}

export interface TransportOptions { timeoutMs: number; allowPrivate: boolean; maxSockets?: number }

/**
 * One POST per call over keep-alive agents whose DNS lookup is the target
 * guard (checked addresses only). Redirects are never followed (a 3xx is
 * just a status); the whole exchange, body included, is bounded by timeoutMs.
 */
export class WebhookTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: TransportOptions) {
    const lookup = guardedLookup(options.allowPrivate);
    const common = { keepAlive: true, maxSockets: options.maxSockets ?? 8, lookup, timeout: options.timeoutMs };
    this.httpAgent = new http.Agent(common);
    this.httpsAgent = new https.Agent(common);
  }

  post(rawUrl: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    let url: URL;
    try { url = parseTargetUrl(rawUrl); } catch (err) { return Promise.resolve(failure(err)); }
    const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    // A literal IP never reaches the agent's lookup.
    if (!this.options.allowPrivate && net.isIP(host) && isPrivateAddress(host)) {
      return Promise.resolve({ status: null, excerpt: null, error: `refused: ${host} is a non-public address` });
    }
    const secure = url.protocol === "https:";
    const payload = Buffer.from(body, "utf8");
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const done = (r: SendResult) => { if (!settled) { settled = true; clearTimeout(timer); resolve(r); } };
      const req = (secure ? https : http).request(url, {
        method: "POST",
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: { ...headers, "content-type": "application/json", "content-length": String(payload.length), "user-agent": "Posturegraph-Webhooks/1" },
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => { if (size < EXCERPT_LIMIT * 4) { chunks.push(c); size += c.length; } });
        res.on("end", () => done({ status: res.statusCode ?? null, excerpt: excerpt(Buffer.concat(chunks)), error: null }));
        res.on("error", (err) => done(failure(err)));
      });
      const timer = setTimeout(() => {
        done({ status: null, excerpt: null, error: `timed out after ${this.options.timeoutMs} ms` });
        req.destroy();
      }, this.options.timeoutMs);
      req.on("error", (err) => done(failure(err)));
      req.end(payload);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function excerpt(buf: Buffer): string | null {
  if (!buf.length) return null;
  return buf.toString("utf8").replaceAll("\u0000", "\ufffd").slice(0, EXCERPT_LIMIT);
}

function failure(err: unknown): SendResult {
  const e = err as NodeJS.ErrnoException;
  const msg = e?.code === "EPRIVATE" ? `refused: ${e.message}` : `${e?.code ? `${e.code}: ` : ""}${e?.message ?? String(err)}`;
  return { status: null, excerpt: null, error: msg.slice(0, EXCERPT_LIMIT) };
}
