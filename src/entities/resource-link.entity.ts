import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/**
 * An edge from code to cloud: a cloud resource reached from a repository
 * (IaC tags), a deployment/environment, or a built image. Evidence and
 * confidence say why we believe it.
 */
@Entity("resource_link")
@Index(["resourceId", "kind", "repositoryId", "environmentId"], { unique: true })
export class ResourceLink {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column("uuid") resourceId: string;
  /** "iac-tag", "environment", "deployment", "image-digest", "manual". */
  @Column("varchar") kind: string;
  @Index() @Column("uuid", { nullable: true }) repositoryId: string | null;
  @Index() @Column("uuid", { nullable: true }) environmentId: string | null;
  @Column("varchar", { nullable: true }) path: string | null;
  @Column("varchar", { nullable: true }) commitSha: string | null;
  @Column("varchar") evidence: string;
  @Column("real", { default: 1 }) confidence: number;
  /** "derive" when the link recomputation owns the row (it may delete it); null for links written by others. */
  @Column("varchar", { nullable: true }) derivedBy: string | null;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
