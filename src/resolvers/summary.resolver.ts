import { Arg, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from "type-graphql";
import { Context } from "../context";
import { FindingCategory, FindingState, PriorityLevel, Scope, Severity } from "../common/types";
import { expectId } from "../common/ids";
import { NotFoundError } from "../common/errors";

@ObjectType("SeverityCount") class SeverityCount { @Field(() => Severity) severity: Severity; @Field(() => Int) count: number; }
@ObjectType("CategoryCount") class CategoryCount { @Field(() => FindingCategory) category: FindingCategory; @Field(() => Int) count: number; }
@ObjectType("StateCount") class StateCount { @Field(() => FindingState) state: FindingState; @Field(() => Int) count: number; }
@ObjectType("PriorityLevelCount") class PriorityLevelCount { @Field(() => PriorityLevel) level: PriorityLevel; @Field(() => Int) count: number; }

@ObjectType("PostureSummary", { description: "Counts a console shows. Severity, category and level counts are of OPEN findings; state counts are of all." })
export class PostureSummary {
  @Field(() => Int, { description: "All findings in scope, any state." }) totalFindings: number;
  @Field(() => Int) openFindings: number;
  @Field(() => [SeverityCount]) bySeverity: SeverityCount[];
  @Field(() => [CategoryCount]) byCategory: CategoryCount[];
  @Field(() => [StateCount]) byState: StateCount[];
  @Field(() => [PriorityLevelCount]) byPriorityLevel: PriorityLevelCount[];
}

@Resolver()
export class SummaryResolver {
  @Authorized(Scope.READ)
  @Query(() => PostureSummary, { description: "Posture numbers for everything visible, or one organization or repository." })
  async postureSummary(
    @Arg("organization", () => ID, { nullable: true }) organization: string | undefined,
    @Arg("repository", () => String, { nullable: true, description: "Repository ID or full name." }) repository: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<PostureSummary> {
    const organizationId = organization ? expectId(organization, "DevOpsOrganization", "organization") : null;
    let repositoryId: string | null = null;
    if (repository) {
      [repositoryId] = await ctx.services.findings.resolveRepositories([repository], ctx.access);
      if (!repositoryId) throw new NotFoundError(`repository "${repository}" not found`);
    }
    const c = await ctx.services.summary.counts(ctx.access, { organizationId, repositoryId });
    return {
      totalFindings: c.total,
      openFindings: c.open,
      bySeverity: Object.values(Severity).map((severity) => ({ severity, count: c.bySeverity.get(severity) ?? 0 })),
      byCategory: Object.values(FindingCategory).map((category) => ({ category, count: c.byCategory.get(category) ?? 0 })),
      byState: Object.values(FindingState).map((state) => ({ state, count: c.byState.get(state) ?? 0 })),
      byPriorityLevel: Object.values(PriorityLevel).map((level) => ({ level, count: c.byPriorityLevel.get(level) ?? 0 })),
    };
  }
}
