import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { Node } from "./node";
import { toGlobalId } from "../common/ids";

/**
 * An admin's rule mapping environments to the cloud resources they deploy to:
 * environments (one by ID, or all whose name matches a glob) → resources with
 * a tag (key, value glob) and/or a name glob. Globs take `*` and `?`, match
 * case-insensitively, and may say `{repository}` / `{environment}` for the
 * environment's repository short name and the environment's name.
 */
@ObjectType("EnvironmentMappingRule", { implements: Node, description: "Maps environments to cloud resources by tag or name; evaluated on every resource upload and rule change." })
@Entity("environment_mapping_rule")
export class EnvironmentMappingRule implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("EnvironmentMappingRule", this.id); }

  /** Null for an instance-wide rule; otherwise the organization that owns it. */
  @Column("uuid", { nullable: true }) organizationId: string | null;
  @Column("uuid", { nullable: true }) environmentId: string | null;
  @Field(() => String, { nullable: true, description: "Glob on the environment name (when no environment ID is given), e.g. prod*." })
  @Column("varchar", { nullable: true }) environmentName: string | null;
  @Field(() => String, { nullable: true, description: "Tag the resource must carry." }) @Column("varchar", { nullable: true }) tagKey: string | null;
  @Field(() => String, { nullable: true, description: "Glob on that tag's value." }) @Column("varchar", { nullable: true }) tagValue: string | null;
  @Field(() => String, { nullable: true, description: "Glob on the resource name, e.g. {repository}-{environment}." })
  @Column("varchar", { nullable: true }) resourceName: string | null;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @Field(() => Date) @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}

/** An explicit environment → resource mapping set by setEnvironmentResources. */
@Entity("environment_resource")
@Index(["resourceId"])
export class EnvironmentResource {
  @PrimaryColumn("uuid") environmentId: string;
  @PrimaryColumn("uuid") resourceId: string;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
