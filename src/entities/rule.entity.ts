import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { Node } from "./node";
import { toGlobalId } from "../common/ids";

@ObjectType("Rule", { implements: Node, description: "A tool's rule, kept once per tool and rule ID." })
@Entity("rule")
@Index(["tool", "ruleId"], { unique: true })
export class Rule implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("Rule", this.id); }

  @Field(() => String) @Column("varchar") tool: string;
  @Field(() => String) @Column("varchar") ruleId: string;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) name: string | null;
  @Field(() => String, { nullable: true }) @Column("text", { nullable: true }) shortDescription: string | null;
  @Field(() => String, { nullable: true }) @Column("text", { nullable: true }) fullDescription: string | null;
  @Field(() => String, { nullable: true, description: "Help text (markdown or plain)." }) @Column("text", { nullable: true }) helpText: string | null;
  @Field(() => String, { nullable: true }) @Column("varchar", { nullable: true }) helpUri: string | null;
  @Field(() => [String]) @Column("text", { array: true, default: () => "'{}'" }) tags: string[];
  @Field(() => Number, { nullable: true, description: "The rule's security-severity (CVSS-like, 0-10)." })
  @Column("real", { nullable: true }) securitySeverity: number | null;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
}
