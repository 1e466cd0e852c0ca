import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Context } from "../context";
import { FindingState, Scope } from "../common/types";
import { effectiveLastSeen, scopeKey } from "../findings";
import { ConnectionResult } from "../common/pagination";
import { DevOpsOrganization, Finding, Repository, Rule } from "../entities";
import { PageArgsType } from "./types/common.args";
import { PriorityType } from "./types/priority.types";
import { FindingConnection } from "./types/connections";
import { FindingFilter, FindingOrder } from "./types/finding.inputs";

@Resolver(() => Finding)
export class FindingResolver {
  @Authorized(Scope.READ)
  @Query(() => FindingConnection, { description: "Findings, filtered and ordered (default: priority, most urgent first)." })
  findings(
    @Arg("filter", () => FindingFilter, { nullable: true }) filter: FindingFilter | undefined,
    @Arg("orderBy", () => FindingOrder, { nullable: true }) orderBy: FindingOrder | undefined,
    @Args() page: PageArgsType,
    @Ctx() ctx: Context,
  ): Promise<ConnectionResult<Finding>> {
    return ctx.services.findings.list(ctx.access, filter, orderBy, page);
  }

  @FieldResolver(() => Repository)
  repository(@Root() f: Finding, @Ctx() ctx: Context): Promise<Repository | null> {
    return ctx.loaders.repository.load(f.repositoryId);
  }

  @FieldResolver(() => DevOpsOrganization)
  organization(@Root() f: Finding, @Ctx() ctx: Context): Promise<DevOpsOrganization | null> {
    return ctx.loaders.organization.load(f.organizationId);
  }

  @FieldResolver(() => PriorityType, { description: "Stored score and level, explained factor by factor by the same function that computed them." })
  async priority(@Root() f: Finding, @Ctx() ctx: Context): Promise<PriorityType> {
    const [resources, intel, policy] = await Promise.all([
      ctx.loaders.priorityResources.load(f.repositoryId),
      f.vulnerabilityId ? ctx.loaders.intelByCve.load(f.vulnerabilityId) : null,
      ctx.services.priority.policy(),
    ]);
    const context = { resources: new Map([[f.repositoryId, resources]]), intel: new Map(intel && f.vulnerabilityId ? [[f.vulnerabilityId, intel]] : []) };
    const explained = ctx.services.priority.compute(f, context, policy, new Date());
    // The stored columns are what lists sort by; show them, with the factors of the same computation.
    return { score: f.priorityScore, level: f.priorityLevel, factors: explained.factors };
  }

  @FieldResolver(() => Date, { description: "When a scan or sync last reported it: for an OPEN finding, the newest complete upload or sync of its repository and analysis category." })
  async lastSeenAt(@Root() f: Finding, @Ctx() ctx: Context): Promise<Date> {
    const known = (f as Finding & { effectiveLastSeenAt?: Date }).effectiveLastSeenAt;
    if (known) return known;
    if (f.state !== FindingState.OPEN) return f.storedLastSeenAt;
    return effectiveLastSeen(f, await ctx.loaders.scopeSeenAt.load(scopeKey(f.repositoryId, f.analysisCategory)));
  }

  @FieldResolver(() => Rule, { nullable: true, description: "The tool's rule metadata." })
  rule(@Root() f: Finding, @Ctx() ctx: Context): Promise<Rule | null> | null {
    return f.ruleRefId ? ctx.loaders.rule.load(f.ruleRefId) : null;
  }
}
