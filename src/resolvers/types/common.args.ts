import { ArgsType, Field, Int } from "type-graphql";

@ArgsType()
export class PageArgsType {
  @Field(() => Int, { nullable: true, description: "Page size from the start (capped; over the cap is an error)." }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => Int, { nullable: true, description: "Page size from the end." }) last?: number;
  @Field(() => String, { nullable: true }) before?: string;
}
