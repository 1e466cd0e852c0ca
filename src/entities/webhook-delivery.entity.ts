import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "./node";
import { DeliveryStatus, FindingEventType } from "./enums";
import { toGlobalId } from "../common/ids";
import { encodeEventCursor } from "../events/cursor";

/**
 * One event for one webhook: queued by the feeder, sent (and retried) by the
 * sender. Its global ID is the request's `webhook-id`, the same on every attempt.
 * Deleted with its webhook (by the service: no foreign key, the queue is written set-based).
 */
@ObjectType("WebhookDelivery", { implements: Node, description: "One event's delivery to one webhook, with its attempts." })
@Entity("webhook_delivery")
@Index("IDX_webhook_delivery_webhook_seq", ["webhookId", "eventSeq"], { unique: true })
@Index("IDX_webhook_delivery_due", ["status", "nextAttemptAt"], { where: `"status" = 'PENDING'` })
@Index("IDX_webhook_delivery_webhook_due", ["webhookId", "nextAttemptAt"], { where: `"status" = 'PENDING'` })
export class WebhookDelivery implements Node {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "PK_webhook_delivery" }) id: string;
  @Field(() => ID, { name: "id", description: "Also the `webhook-id` header of its requests." }) get nodeId(): string { return toGlobalId("WebhookDelivery", this.id); }

  @Column("uuid") webhookId: string;
  @Column("bigint") eventSeq: string;
  @Field(() => FindingEventType) @Column("varchar") eventType: FindingEventType;
  @Field(() => DeliveryStatus) @Column("varchar", { default: DeliveryStatus.PENDING }) status: DeliveryStatus;
  @Field(() => Int, { description: "Attempts made (since the last redelivery)." }) @Column("int", { default: 0 }) attempts: number;
  @Field(() => Date, { nullable: true, description: "When the next attempt is due (PENDING only)." })
  @Column("timestamptz", { nullable: true }) nextAttemptAt: Date | null;
  @Field(() => Date, { nullable: true }) @Column("timestamptz", { nullable: true }) lastAttemptAt: Date | null;
  @Field(() => Int, { nullable: true, description: "HTTP status of the last attempt; null when none arrived (timeout, network)." })
  @Column("int", { nullable: true }) responseStatus: number | null;
  @Field(() => String, { nullable: true, description: "The first 512 characters of the last response body." })
  @Column("varchar", { length: 512, nullable: true }) responseExcerpt: string | null;
  @Field(() => String, { nullable: true, description: "Why the last attempt failed, when it did." }) @Column("text", { nullable: true }) error: string | null;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;

  @Field(() => String, { description: "The event's cursor in the log (as in findingEvents)." })
  get eventCursor(): string { return encodeEventCursor(String(this.eventSeq)); }
}
