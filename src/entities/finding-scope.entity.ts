import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * One (repository, analysis category) that complete loads have reported on,
 * with the time of the newest one. A complete load is the whole truth for its
 * scope: every finding still OPEN after it was seen by it. So a re-sighting
 * that changes nothing writes no finding row (at 25,000 results that UPDATE
 * alone was ~3 s on a million-row table); a finding's lastSeenAt is its
 * stored value or, while OPEN, this time if later (findings/finding-seen.ts).
 */
@Entity("finding_scope")
export class FindingScope {
  @PrimaryColumn("uuid", { primaryKeyConstraintName: "PK_finding_scope" }) repositoryId: string;
  @PrimaryColumn("varchar", { primaryKeyConstraintName: "PK_finding_scope" }) analysisCategory: string;
  @Column("timestamptz") seenAt: Date;
}
