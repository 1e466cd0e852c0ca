import { ArgsType, Field } from "type-graphql";
import { CloudResourceInput } from "./cloud.types";

@ArgsType()
export class CloudCodeArgs {
  @Field(() => [CloudResourceInput]) input: CloudResourceInput[];
  @Field(() => String, { nullable: true, description: "Which inventory this upload comes from (default \"api\"); scopes complete." }) source?: string;
  @Field(() => Boolean, { nullable: true, description: "The upload lists every resource of this source: the others get goneAt." }) complete?: boolean;
}
