import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { GraphQLJSON } from "graphql-scalars";
import { Node } from "./node";
import { toGlobalId } from "../common/ids";

@ObjectType("Environment", { implements: Node, description: "A deployment target: a GitHub environment or an Azure Pipelines environment." })
@Entity("environment")
@Index(["organizationId", "externalId"], { unique: true })
export class Environment implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("Environment", this.id); }

  @Column("uuid") organizationId: string;
  @Index() @Column("uuid", { nullable: true }) repositoryId: string | null;
  @Column("uuid", { nullable: true }) projectId: string | null;

  @Field(() => String) @Column("varchar") name: string;
  @Field(() => Boolean, { description: "Counts as production for prioritization." })
  @Column("boolean", { default: false }) production: boolean;
  @Field(() => GraphQLJSON, { nullable: true, description: "Protection rules as synced (required reviewers, wait timer, branch policy)." })
  @Column("jsonb", { nullable: true }) protectionRules: unknown[] | null;
  @Column("varchar") externalId: string;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
