import { MigrationInterface, QueryRunner } from "typeorm";

/** Signed outbound webhooks: the endpoints and their delivery queue (one row per event and webhook; deleted with the webhook by the service). */
export class Webhooks1796600000000 implements MigrationInterface {
  name = "Webhooks1796600000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "webhook" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "url" character varying NOT NULL,
      "description" character varying,
      "events" character varying array NOT NULL DEFAULT '{}',
      "filter" jsonb,
      "secret" text NOT NULL,
      "previous_secret" text,
      "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
      "enabled" boolean NOT NULL DEFAULT true,
      "disabled_reason" character varying,
      "cursor" bigint NOT NULL DEFAULT 0,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_webhook" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "webhook_delivery" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "webhook_id" uuid NOT NULL,
      "event_seq" bigint NOT NULL,
      "event_type" character varying NOT NULL,
      "status" character varying NOT NULL DEFAULT 'PENDING',
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" TIMESTAMP WITH TIME ZONE,
      "last_attempt_at" TIMESTAMP WITH TIME ZONE,
      "response_status" integer,
      "response_excerpt" character varying(512),
      "error" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_webhook_delivery" PRIMARY KEY ("id"))`);
    // Feeding is idempotent (ON CONFLICT DO NOTHING); also the keyset of webhookDeliveries (newest event first).
    await q.query(`CREATE UNIQUE INDEX "IDX_webhook_delivery_webhook_seq" ON "webhook_delivery" ("webhook_id", "event_seq")`);
    // The sender's claim (per webhook) and its "when is the next one due" look only at the pending rows.
    await q.query(`CREATE INDEX "IDX_webhook_delivery_due" ON "webhook_delivery" ("status", "next_attempt_at") WHERE "status" = 'PENDING'`);
    await q.query(`CREATE INDEX "IDX_webhook_delivery_webhook_due" ON "webhook_delivery" ("webhook_id", "next_attempt_at") WHERE "status" = 'PENDING'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_delivery"`);
    await q.query(`DROP TABLE "webhook"`);
  }
}
