import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { Node } from "./node";
import { CloudProvider, Criticality } from "./enums";
import { toGlobalId } from "../common/ids";

@ObjectType("Tag", { description: "A key/value tag on a cloud resource." })
export class Tag {
  @Field(() => String) key: string;
  @Field(() => String) value: string;
}

@ObjectType("CloudResource", { implements: Node, description: "A cloud resource that pipelines deploy to, with the context that makes a finding urgent." })
@Entity("cloud_resource")
@Index(["provider", "externalId"], { unique: true })
export class CloudResource implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("CloudResource", this.id); }

  /** Owning DevOps organization when known (from links); limits visibility for organization-scoped tokens. */
  @Index() @Column("uuid", { nullable: true }) organizationId: string | null;

  @Field(() => CloudProvider) @Column("varchar") provider: CloudProvider;
  @Field(() => String, { description: "Resource type, e.g. Microsoft.Web/sites, AWS::Lambda::Function." }) @Column("varchar") type: string;
  @Field(() => String, { description: "ARM ID, ARN, or other provider identifier." }) @Column("varchar") externalId: string;
  @Field(() => String) @Column("varchar") name: string;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) region: string | null;
  @Column("jsonb", { default: {} }) tags: Record<string, string>;
  @Field(() => Boolean) @Column("boolean", { default: false }) internetExposed: boolean;
  @Field(() => Boolean) @Column("boolean", { default: false }) sensitiveData: boolean;
  @Field(() => String, { nullable: true, description: "Environment name; \"production\" counts as production." })
  @Column("varchar", { nullable: true }) environment: string | null;
  @Field(() => Criticality, { nullable: true }) @Column("varchar", { nullable: true }) criticality: Criticality | null;
  @Field(() => [String], { description: "Container image digests (sha256:...) the resource runs." })
  @Column("text", { array: true, default: () => "'{}'" }) imageDigests: string[];
  /** Who last uploaded it; a complete upload of a source marks what it no longer lists as gone. */
  @Index() @Column("varchar", { default: "api" }) source: string;
  @Field(() => Date, { nullable: true, description: "Set when a full upload from its source no longer listed it." })
  @Column("timestamptz", { nullable: true }) goneAt: Date | null;

  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @Field(() => Date) @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;

  @Field(() => [Tag], { name: "tags" })
  get tagList(): Tag[] {
    return Object.entries(this.tags ?? {}).map(([key, value]) => ({ key, value: String(value) }));
  }
}
