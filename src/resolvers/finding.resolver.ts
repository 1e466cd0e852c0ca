import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Context } from "../common/context";
import { Scope } from "../common/types";
import { ConnectionResult } from "../common/pagination";
import { DevOpsOrganization, Finding, Repository, Rule } from "../entities";
import { PageArgsType } from "./types/common.args";
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

  @FieldResolver(() => Rule, { nullable: true, description: "The tool's rule metadata." })
  rule(@Root() f: Finding, @Ctx() ctx: Context): Promise<Rule | null> | null {
    return f.ruleRefId ? ctx.loaders.rule.load(f.ruleRefId) : null;
  }
}
