import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Context } from "../context";
import { PriorityLevel, Scope } from "../common/types";
import { Finding } from "../entities";
import { AnnotatePullRequestResult, PullRequestAnnotationType } from "./types/annotation.types";

@Resolver(() => PullRequestAnnotationType)
export class AnnotationResolver {
  @Authorized(Scope.READ)
  @Query(() => [PullRequestAnnotationType], { description: "The findings observed on a pull request's ref (uploads with ref=refs/pull/<n>/head or …/merge) on lines it changed, not open on the default branch; the changed lines are read from the source with the connector's credentials." })
  pullRequestAnnotations(
    @Arg("repository", () => String, { description: "Repository ID or full name." }) repository: string,
    @Arg("pullRequest", () => Int) pullRequest: number,
    @Ctx() ctx: Context,
  ): Promise<PullRequestAnnotationType[]> {
    return ctx.services.annotations.list(ctx.access, repository, pullRequest);
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => AnnotatePullRequestResult, { description: "Posts the pull request's annotations: a GitHub check run named Posturegraph on the head commit (50 annotations per request, the rest appended). A second call updates what the first posted instead of duplicating it." })
  annotatePullRequest(
    @Arg("repository", () => String) repository: string,
    @Arg("pullRequest", () => Int) pullRequest: number,
    @Arg("failOn", () => PriorityLevel, { nullable: true, description: "The conclusion is failure when a finding at this level or more urgent is present (default P1)." }) failOn: PriorityLevel | undefined,
    @Ctx() ctx: Context,
  ): Promise<AnnotatePullRequestResult> {
    return ctx.services.annotations.annotate(ctx.access, repository, pullRequest, failOn);
  }

  @FieldResolver(() => Finding, { nullable: true, description: "The default branch's finding with the same identity (fixed there: this is a regression); null for a finding new in the pull request." })
  finding(@Root() a: PullRequestAnnotationType, @Ctx() ctx: Context): Promise<Finding | null> | null {
    return a.findingId ? ctx.loaders.finding.load(a.findingId) : null;
  }
}
