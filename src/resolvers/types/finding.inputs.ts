import { Field, InputType, Int, registerEnumType } from "type-graphql";
import { FindingCategory, FindingState, PriorityLevel, Severity } from "../../entities/enums";
import { FindingOrderField, OrderDirection, type FindingFilter as DomainFindingFilter, type FindingOrder as DomainFindingOrder } from "../../findings";

export { FindingOrderField, OrderDirection };
registerEnumType(FindingOrderField, { name: "FindingOrderField" });
registerEnumType(OrderDirection, { name: "OrderDirection" });

@InputType("FindingFilter", { description: "Narrows a finding list; all given conditions must hold." })
export class FindingFilter implements DomainFindingFilter {
  @Field(() => [FindingState], { nullable: true }) state?: FindingState[];
  @Field(() => [Severity], { nullable: true }) severity?: Severity[];
  @Field(() => [FindingCategory], { nullable: true }) category?: FindingCategory[];
  @Field(() => [String], { nullable: true, description: "Repository IDs or full names." }) repository?: string[];
  @Field(() => [String], { nullable: true, description: "DevOpsOrganization IDs." }) organization?: string[];
  @Field(() => [String], { nullable: true, description: "Owners; an empty string matches findings without owner." }) owner?: string[];
  @Field(() => Int, { nullable: true, description: "Minimum priority score (0-100)." }) minScore?: number;
  @Field(() => [PriorityLevel], { nullable: true }) priorityLevel?: PriorityLevel[];
  @Field(() => Boolean, { nullable: true, description: "Only findings whose code reaches (or not) an internet-exposed cloud resource." }) internetExposed?: boolean;
  @Field(() => [String], { nullable: true }) tool?: string[];
  @Field(() => [String], { nullable: true }) ruleId?: string[];
  @Field(() => [String], { nullable: true, description: "CVE or GHSA identifiers." }) vulnerabilityId?: string[];
  @Field(() => [String], { nullable: true, description: "Analysis categories." }) analysisCategory?: string[];
}

@InputType("FindingOrder", { description: "Sort order of a finding list; ties break on ID." })
export class FindingOrder implements DomainFindingOrder {
  @Field(() => FindingOrderField) field: FindingOrderField;
  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC }) direction: OrderDirection;
}
