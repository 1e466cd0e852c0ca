import { Client } from "pg";
import { Logger } from "../common/logger";
import { EVENT_CHANNEL } from "./outbox";

/**
 * A dedicated PostgreSQL connection that LISTENs for the one NOTIFY each
 * event-writing transaction sends (payload: its highest sequence), and
 * reconnects when it is lost. A notification is only a poke: the hub reads
 * the log itself, and its poll covers the time without a connection.
 */
export class PgListener {
  private client: Client | undefined;
  private stopped = false;

  constructor(private readonly url: string, private readonly logger: Logger, private readonly onMessage: (seq: string) => void) {}

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on("notification", (n) => this.onMessage(n.payload ?? ""));
    client.on("error", (err) => {
      this.logger.warn({ err }, "event LISTEN connection lost; reconnecting");
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      const retry = setTimeout(() => { if (!this.stopped) this.start().catch((e) => this.logger.warn({ err: e }, "event LISTEN reconnect failed")); }, 1000);
      retry.unref();
    });
    await client.connect();
    await client.query(`LISTEN ${EVENT_CHANNEL}`);
    if (this.stopped) { await client.end(); return; }
    this.client = client;
    this.onMessage(""); // anything committed while not listening
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
