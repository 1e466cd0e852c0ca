import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { GraphQLJSON } from "graphql-scalars";
import { Node } from "./node";
import { toGlobalId } from "../common/ids";

@ObjectType("Repository", { implements: Node, description: "A source repository in GitHub, Azure DevOps, or a generic provider (created by a SARIF upload)." })
@Entity("repository")
@Index(["organizationId", "fullName"])
export class Repository implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("Repository", this.id); }

  @Column("uuid") organizationId: string;
  @Column("uuid", { nullable: true }) projectId: string | null;

  @Field(() => String, { description: "Short name." }) @Column("varchar") name: string;
  @Field(() => String, { description: "Full name: owner/name on GitHub, organization/project/name on Azure DevOps." })
  @Index({ unique: true }) @Column("varchar") fullName: string;
  @Field(() => String, { description: "PUBLIC, PRIVATE, INTERNAL or UNKNOWN." }) @Column("varchar", { default: "UNKNOWN" }) visibility: string;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) defaultBranch: string | null;
  @Field(() => Boolean) @Column("boolean", { default: false }) archived: boolean;
  @Field(() => Boolean) @Column("boolean", { default: false }) fork: boolean;
  @Field(() => String, { nullable: true, description: "Web URL." }) @Column("varchar", { nullable: true }) url: string | null;
  @Field(() => Date, { nullable: true, description: "Last push, as the provider reports it." })
  @Column("timestamptz", { nullable: true }) pushedAt: Date | null;
  @Column("varchar", { nullable: true }) externalId: string | null;
  /** Which path created or last synced the row: "sarif", "github", "azure-devops", "demo". */
  @Column("varchar", { default: "sarif" }) source: string;
  @Column("uuid", { nullable: true }) lastSyncRunId: string | null;
  /** Provider settings as synced (scanner enablement, protection summary); read by posture checks. */
  @Field(() => GraphQLJSON, { description: "Settings as synced from the provider: `protection` (effective protection of the default branch, classic rules and rulesets merged), `codeowners`, `vulnerabilityAlertsEnabled`, raw `branchProtectionRules` and `rulesets`. Values that could not be read are \"unknown\"." })
  @Column("jsonb", { default: {} }) settings: Record<string, unknown>;
  @Field(() => Date, { nullable: true, description: "Set when a complete sync of its organization no longer listed it (deleted, transferred or hidden)." })
  @Column("timestamptz", { nullable: true }) goneAt: Date | null;

  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @Field(() => Date) @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}
