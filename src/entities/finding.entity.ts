import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from "typeorm";
import { Node } from "./node";
import { FindingCategory, FindingState, PriorityLevel, Severity } from "./enums";
import { toGlobalId } from "../common/ids";

@ObjectType("Location", { description: "Where in the repository a finding is." })
export class Location {
  @Field(() => String, { nullable: true, description: "Repository-relative path." }) path: string | null;
  @Field(() => Int, { nullable: true }) startLine: number | null;
  @Field(() => Int, { nullable: true }) endLine: number | null;
  @Field(() => Int, { nullable: true }) startColumn: number | null;
  @Field(() => Int, { nullable: true }) endColumn: number | null;
}

/**
 * One weakness, identified within its repository and analysis category by a
 * fingerprint that survives line shifts. Its priority score and level are
 * stored, and indexed, in `finding_rank` (finding-rank.entity.ts), so lists
 * sort by them at any size and rescoring never rewrites this wide row.
 */
@ObjectType("Finding", { implements: Node, description: "A security finding from any source, with its lifecycle and remediation priority." })
@Entity("finding")
@Index("uq_finding_identity", ["repositoryId", "analysisCategory", "fingerprint"], { unique: true })
@Index("ix_finding_state_severity", ["state", "severityRank", "id"])
@Index("ix_finding_state_first_seen", ["state", "firstSeenAt", "id"])
// Partial: most findings have neither, and every index costs each insert.
@Index("ix_finding_owner", ["owner"], { where: "owner IS NOT NULL" })
@Index("ix_finding_vulnerability", ["vulnerabilityId"], { where: "vulnerability_id IS NOT NULL" })
export class Finding implements Node {
  /**
   * Time-ordered (UUID version 7, `uuid_v7()` in the FindingScopeSeen migration): the findings of one
   * upload land next to each other in the primary key and in every (…, id) index instead of at random
   * pages — a 25,000-row insert into a million-row table took half the time.
   */
  @PrimaryColumn("uuid", { default: () => "uuid_v7()" }) id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("Finding", this.id); }

  @Column("uuid") organizationId: string;
  @Column("uuid") repositoryId: string;
  @Column("uuid", { nullable: true }) ruleRefId: string | null;

  @Field(() => String, { description: "The analysis category (one scanning job), or the connector source key." })
  @Column("varchar") analysisCategory: string;
  @Field(() => String, { description: "Stable identity within repository and analysis category." })
  @Column("varchar") fingerprint: string;
  /** "sarif", "cyclonedx", "github", "azure-devops", "posture", "demo". */
  @Field(() => String, { description: "Which path reported it: sarif, cyclonedx, github, azure-devops, posture." })
  @Column("varchar") source: string;

  @Field(() => String) @Column("varchar") title: string;
  @Field(() => String, { nullable: true }) @Column("text", { nullable: true }) message: string | null;
  @Field(() => FindingCategory) @Column("varchar") category: FindingCategory;
  @Field(() => Severity) @Column("varchar") severity: Severity;
  /** 4 critical … 0 info: SEVERITY ordering as an indexable integer. */
  @Column("smallint") severityRank: number;
  @Field(() => FindingState) @Column("varchar") state: FindingState;
  @Field(() => String) @Column("varchar") ruleId: string;
  @Field(() => String) @Column("varchar") tool: string;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) toolVersion: string | null;

  @Column("varchar", { nullable: true }) path: string | null;
  @Column("integer", { nullable: true }) startLine: number | null;
  @Column("integer", { nullable: true }) endLine: number | null;
  @Column("integer", { nullable: true }) startColumn: number | null;
  @Column("integer", { nullable: true }) endColumn: number | null;
  @Field(() => String, { nullable: true }) @Column("text", { nullable: true }) snippet: string | null;

  @Field(() => String, { nullable: true, description: "CVE or GHSA identifier." })
  @Column("varchar", { nullable: true }) vulnerabilityId: string | null;
  @Field(() => [String]) @Column("text", { array: true, default: () => "'{}'" }) cwes: string[];
  @Field(() => Number, { nullable: true }) @Column("real", { nullable: true }) cvssScore: number | null;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) cvssVector: string | null;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) packageName: string | null;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) packageVersion: string | null;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) fixedVersion: string | null;
  /** Source-specific facts the priority needs: secret validity, dependency scope, alert number. */
  @Column("jsonb", { default: {} }) details: Record<string, unknown>;

  @Field(() => Date) @Column("timestamptz") firstSeenAt: Date;
  /**
   * When a load last wrote this row as seen. The API's lastSeenAt is this or, while OPEN, the time of
   * the newest complete load of its scope (FindingScope): unchanged re-sightings write no row.
   */
  @Column("timestamptz", { name: "last_seen_at" }) storedLastSeenAt: Date;
  @Field(() => Date, { nullable: true }) @Column("timestamptz", { nullable: true }) fixedAt: Date | null;
  @Field(() => Date, { nullable: true }) @Column("timestamptz", { nullable: true }) dismissedAt: Date | null;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) dismissReason: string | null;
  @Field(() => String, { nullable: true }) @Column("text", { nullable: true }) dismissComment: string | null;
  @Field(() => String, { nullable: true, description: "Who dismissed it: \"source\" (the scanner or platform) or the API token's name." })
  @Column("varchar", { nullable: true }) dismissedBy: string | null;
  @Field(() => Date, { nullable: true, description: "A dismissal with an expiry reopens the finding then." })
  @Column("timestamptz", { nullable: true }) dismissExpiresAt: Date | null;
  @Field(() => String, { nullable: true, description: "Owner: a team or user handle (e.g. @acme/payments)." })
  @Column("varchar", { nullable: true }) owner: string | null;
  @Field(() => Date, { nullable: true, description: "SLA due date." }) @Column("timestamptz", { nullable: true }) dueAt: Date | null;

  /** Digest of what a load compares (findings/finding-hash.ts); null until a load has compared the row. */
  @Column("varchar", { nullable: true }) contentHash: string | null;

  /** From finding_rank: every query that reads findings for the API selects them with the row (withRank). */
  priorityScore: number;
  priorityLevel: PriorityLevel;

  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;

  @Field(() => Location)
  get location(): Location {
    return { path: this.path, startLine: this.startLine, endLine: this.endLine, startColumn: this.startColumn, endColumn: this.endColumn };
  }
}
