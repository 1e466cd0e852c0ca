import { DataSource } from "typeorm";
import { UNRESTRICTED } from "../../common/auth";
import { SecretBox } from "../../common/crypto";
import { NotFoundError, UserInputError } from "../../common/errors";
import { ConnectionResult, PageArgs, paginate } from "../../common/pagination";
import { FindingEventType } from "../../common/types";
import { Webhook, WebhookDelivery } from "../../entities";
import type { FindingFilter } from "../../resolvers/types/finding.inputs";
import type { EventHub } from "../event-hub";
import { compileEventFilter } from "../event-filter";
import { WebhookRunner } from "./runner";
import { generateSecret } from "./signature";
import { checkTarget, TargetRefusedError } from "./target-guard";

/** How long the secret replaced by a rotation keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

export interface WebhookInput {
  url?: string | null;
  events?: FindingEventType[] | null;
  filter?: FindingFilter | null;
  description?: string | null;
}
export interface CreateWebhookInput extends WebhookInput { url: string; after?: string | null }
export interface UpdateWebhookInput extends WebhookInput { enabled?: boolean | null; rotateSecret?: boolean | null }

/** Admin operations on webhooks and their deliveries. Secrets are sealed at rest and returned only by create and rotation. */
export class WebhookService {
  constructor(private readonly ds: DataSource, private readonly secrets: SecretBox, private readonly hub: EventHub,
    readonly runner: WebhookRunner, private readonly options: { allowPrivate: boolean; maxPageSize: number }) {}

  async create(input: CreateWebhookInput): Promise<{ webhook: Webhook; secret: string }> {
    const fields = await this.validate(input);
    // Default: from now on; with `after`, the history after that cursor is queued too (retention-checked as for subscriptions).
    const from = input.after != null ? await this.hub.checkCursor(input.after) : await this.hub.source.maxSeq();
    const secret = generateSecret();
    const repo = this.ds.getRepository(Webhook);
    const saved = await repo.save(repo.create({
      url: fields.url!, description: fields.description ?? null, events: fields.events ?? [], filter: fields.filter ?? null,
      secret: this.secrets.seal(secret), enabled: true, disabledReason: null, cursor: from.toString(),
    }));
    this.runner.poke();
    return { webhook: saved, secret };
  }

  async update(id: string, input: UpdateWebhookInput): Promise<{ webhook: Webhook; secret: string | null }> {
    const repo = this.ds.getRepository(Webhook);
    const hook = await repo.findOneBy({ id });
    if (!hook) throw new NotFoundError("No such webhook");
    const fields = await this.validate(input);
    if (fields.url !== undefined) hook.url = fields.url!;
    if (fields.description !== undefined) hook.description = fields.description;
    if (fields.events !== undefined) hook.events = fields.events ?? [];
    if (fields.filter !== undefined) hook.filter = fields.filter;
    if (input.enabled != null) {
      if (input.enabled && !hook.enabled) hook.disabledReason = null;
      hook.enabled = input.enabled;
    }
    let secret: string | null = null;
    if (input.rotateSecret) {
      secret = generateSecret();
      hook.previousSecret = hook.secret;
      hook.previousSecretExpiresAt = new Date(Date.now() + ROTATION_OVERLAP_MS);
      hook.secret = this.secrets.seal(secret);
    }
    const saved = await repo.save(hook);
    this.runner.poke();
    return { webhook: saved, secret };
  }

  async delete(id: string): Promise<boolean> {
    return this.ds.transaction(async (tx) => {
      const [{ n }]: { n: number }[] = await tx.query(`WITH del AS (DELETE FROM webhook WHERE id = $1 RETURNING 1) SELECT count(*)::int AS n FROM del`, [id]);
      if (!n) throw new NotFoundError("No such webhook");
      await tx.query(`DELETE FROM webhook_delivery WHERE webhook_id = $1`, [id]);
      return true;
    });
  }

  list(page: PageArgs): Promise<ConnectionResult<Webhook>> {
    const qb = this.ds.getRepository(Webhook).createQueryBuilder("w");
    return paginate(qb, { name: "URL", column: "w.url", cast: "text", direction: "ASC", idColumn: "w.id", value: (w) => w.url }, page, this.options.maxPageSize);
  }

  /** A webhook's deliveries, newest event first (keyset on the unique (webhook_id, event_seq)). */
  async deliveries(webhookId: string, page: PageArgs): Promise<ConnectionResult<WebhookDelivery>> {
    if (!(await this.ds.getRepository(Webhook).existsBy({ id: webhookId }))) throw new NotFoundError("No such webhook");
    const qb = this.ds.getRepository(WebhookDelivery).createQueryBuilder("d").where("d.webhook_id = :wid", { wid: webhookId });
    return paginate(qb, { name: "EVENT", column: "d.event_seq", cast: "bigint", direction: "DESC", idColumn: "d.id", value: (d) => String(d.eventSeq) },
      page, this.options.maxPageSize);
  }

  /** Queues a delivery again, due now, with a fresh retry schedule (same webhook-id). */
  async redeliver(deliveryId: string): Promise<WebhookDelivery> {
    const [, n] = await this.ds.query(
      `UPDATE webhook_delivery SET status = 'PENDING', attempts = 0, next_attempt_at = now() WHERE id = $1`, [deliveryId]);
    if (!n) throw new NotFoundError("No such webhook delivery");
    this.runner.pokeSender();
    return (await this.ds.getRepository(WebhookDelivery).findOneBy({ id: deliveryId }))!;
  }

  private async validate(input: WebhookInput): Promise<{ url?: string; description?: string | null; events?: FindingEventType[] | null; filter?: Record<string, unknown> | null }> {
    const out: { url?: string; description?: string | null; events?: FindingEventType[] | null; filter?: Record<string, unknown> | null } = {};
    if (input.url != null) {
      try {
        out.url = (await checkTarget(input.url.trim(), this.options.allowPrivate)).toString();
      } catch (err) {
        if (err instanceof TargetRefusedError) throw new UserInputError(`url: ${err.message}`);
        throw err;
      }
    }
    if (input.description !== undefined) {
      const d = input.description?.trim() ?? null;
      if (d && d.length > 500) throw new UserInputError("description: at most 500 characters");
      out.description = d || null;
    }
    if (input.events !== undefined) out.events = input.events ? [...new Set(input.events)] : null;
    if (input.filter !== undefined) {
      if (input.filter) compileEventFilter(UNRESTRICTED, input.filter); // the same checks as findingEvents
      const plain = input.filter ? JSON.parse(JSON.stringify(input.filter)) as Record<string, unknown> : null;
      out.filter = plain && Object.keys(plain).length ? plain : null;
    }
    return out;
  }
}
