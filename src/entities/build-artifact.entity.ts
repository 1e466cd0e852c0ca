import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { Node } from "./node";
import { toGlobalId } from "../common/ids";

/**
 * An image a pipeline built and pushed: the link from a container digest back
 * to its repository and commit. Cloud resources running the digest are linked
 * to that repository (kind "image-digest").
 */
@ObjectType("BuildArtifact", { implements: Node, description: "A container image a pipeline built from a commit, identified by its digest." })
@Entity("build_artifact")
@Index(["repositoryId", "imageDigest"], { unique: true })
export class BuildArtifact implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("BuildArtifact", this.id); }

  @Column("uuid") organizationId: string;
  @Column("uuid") repositoryId: string;
  @Column("uuid", { nullable: true }) pipelineId: string | null;
  @Field(() => String, { description: "Commit the image was built from." }) @Column("varchar") commitSha: string;
  @Field(() => String, { description: "Image name without digest, e.g. ghcr.io/acme/api." }) @Column("varchar") imageName: string;
  @Field(() => String, { description: "sha256:… digest of the pushed image." }) @Index() @Column("varchar") imageDigest: string;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @Field(() => Date) @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}
