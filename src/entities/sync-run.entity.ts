import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { GraphQLJSON } from "graphql-scalars";
import { Node } from "./node";
import { SyncStatus } from "./enums";
import { toGlobalId } from "../common/ids";

@ObjectType("SyncRun", { implements: Node, description: "One run of a connector: what it fetched, what it could not, and what it cost." })
@Entity("sync_run")
@Index(["connectorId", "startedAt"])
export class SyncRun implements Node {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Field(() => ID, { name: "id" }) get nodeId(): string { return toGlobalId("SyncRun", this.id); }

  @Column("uuid") connectorId: string;
  @Field(() => SyncStatus) @Column("varchar") status: SyncStatus;
  @Field(() => Date) @Column("timestamptz") startedAt: Date;
  @Field(() => Date, { nullable: true }) @Column("timestamptz", { nullable: true }) finishedAt: Date | null;
  @Field(() => GraphQLJSON, { description: "Rows seen per resource kind." }) @Column("jsonb", { default: {} }) counts: Record<string, number>;
  @Field(() => Int, { description: "API requests made." }) @Column("integer", { default: 0 }) requests: number;
  @Field(() => Int, { description: "Rate-limit points used." }) @Column("integer", { default: 0 }) pointsUsed: number;
  @Field(() => [String], { description: "Scopes that could not be fetched, with the reason; their data was left untouched." })
  @Column("text", { array: true, default: () => "'{}'" }) errors: string[];
}
