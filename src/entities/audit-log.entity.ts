import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../common/ids";
import { GraphQLJSON } from "graphql-scalars";

/**
 * One mutation or admin action. Append-only: the migration adds a trigger
 * that rejects UPDATE, DELETE and TRUNCATE, so not even the service's own
 * database user can rewrite history through this table.
 */
@ObjectType("AuditEntry", { description: "A mutation or admin action: who, what, when, from where, and the result." })
@Entity("audit_log")
@Index("ix_audit_log_at", ["at", "id"])
@Index("ix_audit_log_token_at", ["tokenId", "at"])
export class AuditEntry {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("AuditEntry", this.id); }

  @Field(() => Date, { description: "When the action was received." }) @CreateDateColumn({ type: "timestamptz" }) at: Date;
  /** The token's database ID; null when unauthenticated. */
  @Column("uuid", { nullable: true }) tokenId: string | null;
  @Field(() => ID, { nullable: true, name: "tokenId", description: "Global ID of the API token that acted." })
  get tokenNodeId(): string | null { return this.tokenId ? toGlobalId("ApiToken", this.tokenId) : null; }
  @Field(() => String, { nullable: true, description: "The token's name at the time." }) @Column("varchar", { nullable: true }) tokenName: string | null;
  @Field(() => String, { description: "graphql, or the HTTP method and path of another endpoint." }) @Column("varchar") kind: string;
  @Field(() => String, { nullable: true, description: "The GraphQL operation name, when given." }) @Column("varchar", { nullable: true }) operation: string | null;
  @Field(() => [String], { description: "Root fields of the operation (mutation or admin query fields)." })
  @Column("text", { array: true, default: () => "'{}'" }) fields: string[];
  @Field(() => GraphQLJSON, { nullable: true, description: "Variables or query parameters, with secrets redacted." })
  @Column("jsonb", { nullable: true }) variables: Record<string, unknown> | null;
  @Field(() => String, { nullable: true, description: "Remote address of the caller." }) @Column("varchar", { nullable: true }) remoteAddress: string | null;
  @Field(() => String, { description: "ok, or the error code (FORBIDDEN, BAD_USER_INPUT, LIMIT_EXCEEDED, HTTP_403, …)." })
  @Column("varchar") result: string;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) requestId: string | null;
}
