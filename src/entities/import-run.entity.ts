import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "./node";
import { toGlobalId } from "../common/ids";

@ObjectType("ImportRun", { implements: Node, description: "One upload of scanner output (SARIF or CycloneDX) and what it changed." })
@Entity("import_run")
@Index(["repositoryId", "startedAt"])
export class ImportRun implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("ImportRun", this.id); }

  @Column("uuid") organizationId: string;
  @Column("uuid") repositoryId: string;
  @Field(() => String, { description: "SARIF or CYCLONEDX." }) @Column("varchar") format: string;
  @Field(() => [String], { description: "Analysis categories the upload covered." }) @Column("text", { array: true, default: () => "'{}'" }) categories: string[];
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) commitSha: string | null;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) ref: string | null;
  @Field(() => String, { description: "completed or failed." }) @Column("varchar") status: string;
  @Field(() => Int) @Column("integer", { default: 0 }) results: number;
  @Field(() => Int) @Column("integer", { default: 0 }) created: number;
  @Field(() => Int) @Column("integer", { default: 0 }) updated: number;
  @Field(() => Int) @Column("integer", { default: 0 }) unchanged: number;
  @Field(() => Int) @Column("integer", { default: 0 }) fixed: number;
  @Field(() => Int) @Column("integer", { default: 0 }) reopened: number;
  @Field(() => Int) @Column("integer", { default: 0 }) dismissed: number;
  @Field(() => [String]) @Column("text", { array: true, default: () => "'{}'" }) warnings: string[];
  @Field(() => String, { nullable: true }) @Column("text", { nullable: true }) error: string | null;
  @Field(() => Date) @Column("timestamptz") startedAt: Date;
  @Field(() => Int, { nullable: true }) @Column("integer", { nullable: true }) durationMs: number | null;
}
