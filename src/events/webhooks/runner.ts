import { DataSource } from "typeorm";
import { Logger } from "../../common/logger";
import { SecretBox } from "../../common/crypto";
import type { EventHub } from "../event-hub";
import { WebhookFeeder } from "./feeder";
import type { EventRenderer } from "./render";
import { SenderOptions, WebhookSender } from "./sender";

export interface RunnerOptions extends SenderOptions {
  /** Feed poll interval, ms (default 2000): catches what no wake-up announced. */
  feedPollMs?: number;
}

/**
 * The webhook loop of one instance: the feeder runs when the event hub's
 * reader gets further (local commits, LISTEN/Redis, its poll), when an admin
 * changes a webhook, and on its own poll; then the sender is poked.
 */
export class WebhookRunner {
  private readonly feeder: WebhookFeeder;
  private sender: WebhookSender | null = null;
  private feeding: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly ds: DataSource, private readonly hub: EventHub, private readonly secrets: SecretBox,
    private readonly logger: Logger, private readonly options: RunnerOptions) {
    this.feeder = new WebhookFeeder(ds, hub.source);
  }

  /** Starts feeding and sending; `render` turns events into bodies (built from the served schema by startApp). */
  start(render: EventRenderer): void {
    if (this.sender || this.stopped) return;
    this.sender = new WebhookSender(this.ds, this.hub.source, this.secrets, render, this.logger, this.options);
    this.sender.start();
    this.unsubscribe = this.hub.onAdvance(() => this.poke());
    this.timer = setInterval(() => this.poke(), this.options.feedPollMs ?? 2000);
    this.timer.unref();
    this.poke();
  }

  /** Feed now (coalesced), then wake the sender. */
  poke(): void {
    if (!this.sender || this.stopped) return;
    if (this.feeding) { this.again = true; return; }
    this.feeding = (async () => {
      do {
        this.again = false;
        try {
          const n = await this.feeder.feed();
          if (n) this.sender?.poke();
        } catch (err) {
          if (!this.stopped) this.logger.error({ err }, "webhook feeder failed; retrying on the next poll");
        }
      } while (this.again && !this.stopped);
    })().finally(() => { this.feeding = null; });
  }

  /** Wake the sender only (a redelivery). */
  pokeSender(): void { this.sender?.poke(); }

  /** Stops feeding, then the sender (requests in flight finish and are recorded). Pending deliveries stay queued. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.feeding;
    await this.sender?.stop();
  }
}
