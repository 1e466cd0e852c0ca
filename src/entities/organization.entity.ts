import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { GraphQLJSON } from "graphql-scalars";
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

  /** Organization settings as synced; read by posture checks. */
  @Field(() => GraphQLJSON, { description: "Organization settings as synced (default workflow permissions, public repository creation, 2FA requirement, Actions secrets shared with all repositories, owner count). A setting the connector's credentials may not read is \"unknown\", never false." })
  @Column("jsonb", { default: {} }) settings: Record<string, unknown>;

  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
