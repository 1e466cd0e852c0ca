import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "./node";
import { toGlobalId } from "../common/ids";

@ObjectType("Deployment", { implements: Node, description: "A pipeline run that deployed a commit to an environment." })
@Entity("deployment")
@Index(["organizationId", "externalId"], { unique: true })
@Index(["environmentId", "deployedAt"])
export class Deployment implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("Deployment", this.id); }

  @Column("uuid") organizationId: string;
  @Column("uuid") environmentId: string;
  @Index() @Column("uuid", { nullable: true }) repositoryId: string | null;
  @Column("uuid", { nullable: true }) pipelineId: string | null;

  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) commitSha: string | null;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) ref: string | null;
  @Field(() => String, { description: "Provider state, e.g. SUCCESS, FAILURE, IN_PROGRESS, INACTIVE." }) @Column("varchar") state: string;
  @Field(() => Date) @Column("timestamptz") deployedAt: Date;
  @Column("varchar") externalId: string;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
