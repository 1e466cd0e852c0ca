import { Field, Int, ObjectType } from "type-graphql";
import { FindingCategory, PriorityLevel, Severity } from "../../entities/enums";

@ObjectType("PullRequestAnnotation", { description: "A finding on a line the pull request changed that is not open (or dismissed) on the default branch: new in the pull request, or a regression of a fixed one." })
export class PullRequestAnnotationType {
  findingId: string | null;
  @Field(() => String, { description: "File path in the repository." }) path: string;
  @Field(() => Int) startLine: number;
  @Field(() => Int) endLine: number;
  @Field(() => Severity) severity: Severity;
  @Field(() => FindingCategory) category: FindingCategory;
  @Field(() => String) title: string;
  @Field(() => String, { description: "The annotation's text: title, rule, severity and priority." }) message: string;
  @Field(() => String) ruleId: string;
  @Field(() => String) tool: string;
  @Field(() => String, { description: "The finding's identity within its analysis category (as on the default branch)." }) fingerprint: string;
  @Field(() => String) analysisCategory: string;
  @Field(() => Int, { description: "Priority score (0-100) with the repository's deployment and exposure context." }) priorityScore: number;
  @Field(() => PriorityLevel) priorityLevel: PriorityLevel;
}

@ObjectType("AnnotatePullRequestResult", { description: "What annotatePullRequest did on the source." })
export class AnnotatePullRequestResult {
  @Field(() => Int, { description: "Annotations posted that were not there before." }) posted: number;
  @Field(() => Int, { description: "Annotations already posted by an earlier call, kept or updated (not duplicated)." }) updated: number;
  @Field(() => Int, { description: "Annotations of an earlier call whose finding is gone (their check run replaced, their thread closed)." }) resolved: number;
  @Field(() => String, { description: "success, or failure when a finding at or above failOn is present." }) conclusion: string;
  @Field(() => String, { nullable: true, description: "The check run's (or pull request's) web URL." }) url: string | null;
}
