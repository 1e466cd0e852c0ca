import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Index } from "typeorm";
import { Node } from "./node";
import { Scope } from "./enums";
import { toGlobalId } from "../common/ids";

@ObjectType("ApiToken", { implements: Node, description: "An API token. The secret is shown once at creation and stored only as a hash." })
@Entity("api_token")
export class ApiToken implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("ApiToken", this.id); }

  @Field(() => String) @Column("varchar") name: string;
  /** SHA-256 of the secret (tokens are 256-bit random, so a fast hash is enough). */
  @Index({ unique: true }) @Column("varchar") tokenHash: string;
  @Field(() => String, { description: "First characters of the token, to recognise it." }) @Column("varchar") prefix: string;
  @Field(() => [Scope]) @Column("text", { array: true }) scopes: Scope[];
  /** null: every organization. */
  @Column("uuid", { array: true, nullable: true }) organizationIds: string[] | null;
  @Field(() => Date, { nullable: true }) @Column("timestamptz", { nullable: true }) expiresAt: Date | null;
  @Field(() => Date, { nullable: true }) @Column("timestamptz", { nullable: true }) revokedAt: Date | null;
  @Field(() => Date, { nullable: true }) @Column("timestamptz", { nullable: true }) lastUsedAt: Date | null;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
