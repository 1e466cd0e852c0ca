import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Context } from "../context";
import { Scope } from "../common/types";
import { DevOpsOrganization, Project, Repository } from "../entities";
import { PageArgsType } from "./types/common.args";
import { OrganizationConnection, RepositoryConnection } from "./types/connections";
import { ConnectionResult } from "../common/pagination";

@Resolver(() => DevOpsOrganization)
export class OrganizationResolver {
  @Authorized(Scope.READ)
  @Query(() => OrganizationConnection, { description: "DevOps organizations visible to this token." })
  organizations(@Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<DevOpsOrganization>> {
    return ctx.services.inventory.organizations(ctx.access, page);
  }

  @FieldResolver(() => [Project], { description: "Azure DevOps projects." })
  projects(@Root() org: DevOpsOrganization, @Ctx() ctx: Context): Promise<Project[]> {
    return ctx.loaders.projectsByOrganization.load(org.id);
  }

  @FieldResolver(() => RepositoryConnection)
  repositories(@Root() org: DevOpsOrganization, @Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<Repository>> {
    return ctx.services.inventory.repositories(ctx.access, { organization: [org.nodeId] }, page);
  }
}
