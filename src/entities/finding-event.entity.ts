import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { FindingEventType } from "../common/types";

/**
 * Append-only event log. `seq` grows monotonically; an event is written in the
 * same transaction as the change it records, so the log is the source of truth
 * for subscriptions and webhooks.
 */
@Entity("finding_event")
@Index(["findingId", "seq"])
@Index(["occurredAt"])
export class FindingEvent {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS" }) seq: string;
  @Column("uuid") findingId: string;
  @Column("uuid") organizationId: string;
  @Column("uuid") repositoryId: string;
  @Column("varchar") type: FindingEventType;
  @Column("timestamptz", { default: () => "now()" }) occurredAt: Date;
  /** What changed: previous and new values of the fields that moved, and who did it. */
  @Column("jsonb", { default: {} }) payload: Record<string, unknown>;
}
