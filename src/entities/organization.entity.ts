import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "./node";
import { Provider } from "./enums";
import { toGlobalId } from "../common/ids";

@ObjectType("DevOpsOrganization", { implements: Node, description: "A GitHub organization, an Azure DevOps organization, or a generic owner of repositories that only upload SARIF." })
@Entity("devops_organization")
@Index(["provider", "name"], { unique: true })
export class DevOpsOrganization implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;

  @Field(() => ID, { name: "id" })
  get nodeId(): string { return toGlobalId("DevOpsOrganization", this.id); }

  @Field(() => String, { description: "GitHub login, Azure DevOps organization name, or the owner part of uploaded full names." })
  @Column("varchar") name: string;

  @Field(() => Provider) @Column("varchar") provider: Provider;

  @Field(() => String, { nullable: true, description: "Web URL of the organization." })
  @Column("varchar", { nullable: true }) url: string | null;

  @Column("varchar", { nullable: true }) externalId: string | null;

  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
