import { Arg, Args, Authorized, Ctx, Field, InputType, Query, Resolver } from "type-graphql";
import { Context } from "../context";
import { CloudProvider, Scope } from "../common/types";
import { ConnectionResult } from "../common/pagination";
import { CloudResource } from "../entities";
import { PageArgsType } from "./types/common.args";
import { CloudResourceConnection } from "./types/connections";

@InputType("CloudResourceFilter")
export class CloudResourceFilter {
  @Field(() => Boolean, { nullable: true }) internetExposed?: boolean;
  @Field(() => [CloudProvider], { nullable: true }) provider?: CloudProvider[];
  @Field(() => [String], { nullable: true }) environment?: string[];
  @Field(() => Boolean, { nullable: true, description: "Include resources a full upload no longer listed." }) includeGone?: boolean;
}

@Resolver(() => CloudResource)
export class CloudResourceResolver {
  @Authorized(Scope.READ)
  @Query(() => CloudResourceConnection, { description: "Cloud resources, ordered by name." })
  cloudResources(@Arg("filter", () => CloudResourceFilter, { nullable: true }) filter: CloudResourceFilter | undefined, @Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<CloudResource>> {
    return ctx.services.inventory.cloudResources(ctx.access, filter ?? {}, page);
  }
}
