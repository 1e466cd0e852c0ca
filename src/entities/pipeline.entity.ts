import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { GraphQLJSON } from "graphql-scalars";
import { Node } from "./node";
import { toGlobalId } from "../common/ids";

@ObjectType("Pipeline", { implements: Node, description: "A GitHub Actions workflow or an Azure Pipelines build/release definition." })
@Entity("pipeline")
@Index(["organizationId", "externalId"], { unique: true })
export class Pipeline implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("Pipeline", this.id); }

  @Column("uuid") organizationId: string;
  @Index() @Column("uuid", { nullable: true }) repositoryId: string | null;
  @Column("uuid", { nullable: true }) projectId: string | null;

  @Field(() => String) @Column("varchar") name: string;
  @Field(() => String, { description: "GITHUB_WORKFLOW, AZURE_BUILD or AZURE_RELEASE." }) @Column("varchar") kind: string;
  @Field(() => String, { nullable: true, description: "Definition file, e.g. .github/workflows/ci.yml." })
  @Column("varchar", { nullable: true }) definitionPath: string | null;
  @Field(() => [String], { description: "Events that start it (push, pull_request, pull_request_target, schedule, ...)." })
  @Column("text", { array: true, default: () => "'{}'" }) triggers: string[];
  @Field(() => GraphQLJSON, { nullable: true, description: "Parsed definition facts: permissions, runners, actions used." })
  @Column("jsonb", { nullable: true }) definition: Record<string, unknown> | null;
  @Column("varchar") externalId: string;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) url: string | null;
  @Column("uuid", { nullable: true }) lastSyncRunId: string | null;

  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @Field(() => Date) @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}
