import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { Node } from "./node";
import { ConnectorProvider } from "./enums";
import { toGlobalId } from "../common/ids";

@ObjectType("Connector", { implements: Node, description: "A scheduled sync from GitHub or Azure DevOps. Credentials are write-only." })
@Entity("connector")
@Index(["provider", "url", "organization"], { unique: true })
export class Connector implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("Connector", this.id); }

  @Field(() => ConnectorProvider) @Column("varchar") provider: ConnectorProvider;
  @Field(() => String, { description: "GitHub organization login or Azure DevOps organization name." }) @Column("varchar") organization: string;
  @Field(() => String, { description: "API URL." }) @Column("varchar") url: string;
  /** AES-256-GCM ciphertext of the credentials (never returned, never logged). */
  @Column("text", { nullable: true }) credentials: string | null;
  @Field(() => String, { description: "Cron expression." }) @Column("varchar", { default: "0 * * * *" }) schedule: string;
  @Field(() => Boolean) @Column("boolean", { default: true }) enabled: boolean;
  /** The DevOps organization this connector fills, once it has synced. */
  @Column("uuid", { nullable: true }) organizationId: string | null;
  /** Resume state between runs (cursors, ETags, last alert update seen). */
  @Column("jsonb", { default: {} }) state: Record<string, unknown>;
  /** Provider settings validated by the connector at create/update (e.g. the Azure DevOps projects to sync). */
  @Column("jsonb", { default: {} }) options: Record<string, unknown>;
  @Field(() => Date, { nullable: true }) @Column("timestamptz", { nullable: true }) lastSyncAt: Date | null;
  /** Sync lease: the instance running this connector and until when (renewed while it runs), so runs never overlap. */
  @Column("varchar", { nullable: true }) leaseOwner: string | null;
  @Column("timestamptz", { nullable: true }) leaseUntil: Date | null;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;

  @Field(() => Boolean, { description: "Whether credentials are stored (the credentials themselves are never returned)." })
  get hasCredentials(): boolean { return !!this.credentials; }
}
