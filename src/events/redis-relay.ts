import { createClient } from "redis";
import { Logger } from "../common/logger";

export interface RedisRelayOptions {
  url: string;
  /** Pub/sub channel shared by the instances of one deployment (REDIS_CHANNEL). */
  channel: string;
}

type Client = ReturnType<typeof createClient>;

/** Reconnect backoff: 100 ms, 200 ms, … capped at 2 s; never gives up. */
const backoff = (retries: number) => Math.min(2000, 100 * (retries + 1));

/**
 * Carries "events committed up to seq N" between instances over Redis
 * pub/sub: one PUBLISH per committed transaction (the Redis twin of the
 * NOTIFY in events/outbox), and a SUBSCRIBE whose messages poke the
 * hub. Redis carries only that poke — the event log table stays the source of
 * truth, so a lost message costs latency (the hub's poll catches up), never
 * an event. Redis down at start or later is a warning, not a failure:
 * publishes are dropped while offline (no offline queue to replay stale
 * pokes), both connections reconnect forever, and a resubscription pokes once
 * for whatever was committed meanwhile.
 */
export class RedisRelay {
  private readonly pub: Client;
  private readonly sub: Client;
  private outage = false;
  private stopped = false;

  constructor(private readonly options: RedisRelayOptions, private readonly logger: Logger, private readonly onMessage: (seq: string) => void) {
    const socket = { reconnectStrategy: backoff, connectTimeout: 2000 };
    this.pub = createClient({ url: options.url, disableOfflineQueue: true, socket });
    this.sub = createClient({ url: options.url, disableOfflineQueue: true, socket });
    for (const [client, role] of [[this.pub, "publish"], [this.sub, "subscribe"]] as const) {
      // Without an error listener node-redis would crash the process on the first refused connection.
      client.on("error", (err: Error) => this.lost(role, err));
    }
    this.sub.on("ready", () => {
      if (this.outage) { this.outage = false; this.logger.info({ channel: options.channel }, "Redis event fan-out reconnected"); }
      // Whatever was committed while unsubscribed.
      this.onMessage("");
    });
  }

  /** Whether both connections are up (publishes go out, messages come in). */
  get ready(): boolean { return this.pub.isReady && this.sub.isReady; }

  /** Connects in the background: a Redis that is down delays nothing (the poll delivers meanwhile). */
  start(): void {
    this.pub.connect().catch((err: unknown) => { if (!this.stopped) this.logger.warn({ err }, "Redis publish connection gave up"); });
    // node-redis restores the subscription on every reconnect.
    this.sub.connect()
      .then(() => this.sub.subscribe(this.options.channel, (message) => this.onMessage(message)))
      .catch((err: unknown) => { if (!this.stopped) this.logger.warn({ err }, "Redis subscription failed; events arrive by poll"); });
  }

  /** Announces the highest sequence of a committed transaction; dropped while Redis is unreachable. */
  publish(seq: string): void {
    if (this.stopped || !this.pub.isReady) return;
    this.pub.publish(this.options.channel, seq).catch((err: unknown) => this.lost("publish", err as Error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of [this.sub, this.pub]) {
      if (c.isOpen) await c.close().catch(() => c.destroy());
      else c.destroy();
    }
  }

  /** One warning per outage, however many reconnect attempts fail. */
  private lost(role: string, err: Error): void {
    if (this.stopped) return;
    if (!this.outage) {
      this.outage = true;
      this.logger.warn({ err: err.message, role, channel: this.options.channel }, "Redis event fan-out unavailable; reconnecting (events arrive by poll meanwhile)");
    } else this.logger.debug({ err: err.message, role }, "Redis reconnect attempt failed");
  }
}
