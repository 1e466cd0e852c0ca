import { Field, Int, ObjectType } from "type-graphql";
import { PriorityLevel } from "../../entities/enums";

@ObjectType("PriorityFactor", { description: "One term of the priority score, with its evidence." })
export class PriorityFactorType {
  @Field(() => String) key: string;
  @Field(() => String) label: string;
  @Field(() => Int, { description: "Points this factor adds; the contributions sum to the score." }) contribution: number;
  @Field(() => String, { nullable: true, description: "The evidence: which resource, which KEV entry, which EPSS value." }) detail: string | null;
}

@ObjectType("Priority", { description: "Correlated remediation priority: score 0-100, level P0 (most urgent) to P4, and why." })
export class PriorityType {
  @Field(() => Int) score: number;
  @Field(() => PriorityLevel) level: PriorityLevel;
  @Field(() => [PriorityFactorType]) factors: PriorityFactorType[];
}
