import { GraphQLJSON } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { Node } from "./node";
import { FindingEventType } from "./enums";
import { toGlobalId } from "../common/ids";
import { encodeEventCursor } from "../events/cursor";

@ObjectType("Webhook", { implements: Node, description: "A signed outbound webhook fed from the finding event log (admin). Its secret is never returned after creation." })
@Entity("webhook")
export class Webhook implements Node {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "PK_webhook" }) id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("Webhook", this.id); }

  @Field(() => String, { description: "Where events are POSTed (http or https)." }) @Column("varchar") url: string;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) description: string | null;
  @Field(() => [FindingEventType], { description: "Event types delivered; empty: all." })
  @Column("varchar", { array: true, default: () => "'{}'" }) events: FindingEventType[];
  @Field(() => GraphQLJSON, { nullable: true, description: "The FindingFilter events must match (on the finding's state when the event is queued)." })
  @Column("jsonb", { nullable: true }) filter: Record<string, unknown> | null;
  /** `whsec_…` sealed with the SecretBox; never returned after creation, never logged. */
  @Column("text") secret: string;
  /** The secret before the last rotation, sealed: it still signs (beside the new one) until previousSecretExpiresAt. */
  @Column("text", { nullable: true }) previousSecret: string | null;
  @Field(() => Date, { nullable: true, description: "Until when the secret replaced by the last rotation still signs requests too." })
  @Column("timestamptz", { nullable: true }) previousSecretExpiresAt: Date | null;
  @Field(() => Boolean) @Column("boolean", { default: true }) enabled: boolean;
  @Field(() => String, { nullable: true, description: "Why the webhook was disabled automatically (e.g. the receiver answered 410 Gone)." })
  @Column("varchar", { nullable: true }) disabledReason: string | null;
  /** The event sequence the queue has been fed up to. */
  @Column("bigint", { default: 0 }) cursor: string;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @Field(() => Date) @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;

  @Field(() => String, { name: "cursor", description: "The event cursor up to which events have been queued for this webhook." })
  get eventCursor(): string { return encodeEventCursor(String(this.cursor)); }
}
