import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "./node";
import { toGlobalId } from "../common/ids";

@ObjectType("Project", { implements: Node, description: "An Azure DevOps project: the level between an organization and its repositories." })
@Entity("project")
@Index(["organizationId", "name"], { unique: true })
export class Project implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("Project", this.id); }

  @Column("uuid") organizationId: string;
  @Field(() => String) @Column("varchar") name: string;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) url: string | null;
  @Column("varchar", { nullable: true }) externalId: string | null;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
