import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/**
 * A finding seen by an upload for a non-default ref (a pull-request branch).
 * Observations never touch the default branch's findings; each upload replaces
 * the observations of its (repository, ref, analysis category) wholesale.
 */
@Entity("finding_observation")
@Index(["repositoryId", "ref"])
export class FindingObservation {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column("uuid") repositoryId: string;
  @Column("uuid") organizationId: string;
  @Column("varchar") ref: string;
  @Column("varchar", { nullable: true }) commitSha: string | null;
  @Column("varchar") analysisCategory: string;
  @Column("varchar") fingerprint: string;
  @Column("varchar") ruleId: string;
  @Column("varchar") tool: string;
  @Column("varchar") severity: string;
  @Column("varchar") category: string;
  @Column("text") title: string;
  @Column("text", { nullable: true }) path: string | null;
  @Column("integer", { nullable: true }) startLine: number | null;
  @Column("integer", { nullable: true }) endLine: number | null;
  @Column("uuid") importRunId: string;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
}
