import { Authorized, Ctx, Field, ObjectType, Query, Resolver } from "type-graphql";
import { Context } from "../context";
import { Scope } from "../common/types";
import { DevOpsOrganization } from "../entities";

@ObjectType("Viewer", { description: "The calling API token." })
export class Viewer {
  @Field(() => String) name: string;
  @Field(() => [Scope]) scopes: Scope[];
  @Field(() => [DevOpsOrganization], { nullable: true, description: "Organizations the token is limited to; null when it sees all." })
  organizations: DevOpsOrganization[] | null;
}

@Resolver()
export class ViewerResolver {
  // Any valid token may ask who it is, whatever its scopes.
  @Authorized()
  @Query(() => Viewer)
  async viewer(@Ctx() ctx: Context): Promise<Viewer> {
    const orgs = ctx.auth.organizationIds;
    return {
      name: ctx.auth.tokenName,
      scopes: ctx.auth.scopes,
      organizations: orgs === null ? null : (await ctx.loaders.organization.loadMany(orgs)).filter((o): o is DevOpsOrganization => !!o && !(o instanceof Error)),
    };
  }
}
