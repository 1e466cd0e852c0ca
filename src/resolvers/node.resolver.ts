import { Arg, Authorized, Ctx, ID, Query, Resolver } from "type-graphql";
import { Context } from "../context";
import { fromGlobalId } from "../common/ids";
import { Scope } from "../common/types";
import { LimitExceededError } from "../common/errors";
import { Node } from "../entities/node";
import { Loaders } from "../loaders";

const LOADER_BY_TYPE: Record<string, keyof Loaders> = {
  DevOpsOrganization: "organization", Project: "project", Repository: "repository", Pipeline: "pipeline",
  Environment: "environment", Deployment: "deployment", CloudResource: "cloudResource", Finding: "finding",
  Rule: "rule", Connector: "connector", SyncRun: "syncRun", ImportRun: "importRun",
};

/** Loads any node by global ID through the caller-scoped loaders: another tenant's ID is simply null. */
async function load(ctx: Context, id: string): Promise<Node | null> {
  const parsed = fromGlobalId(id);
  if (!parsed) return null;
  const key = LOADER_BY_TYPE[parsed.type];
  if (!key) return null;
  const loader = ctx.loaders[key] as unknown as { load(id: string): Promise<Node | null> };
  return loader.load(parsed.id);
}

@Resolver()
export class NodeResolver {
  @Authorized(Scope.READ)
  @Query(() => Node, { nullable: true, description: "Any object by its global ID; null when unknown or not visible to this token." })
  node(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    return load(ctx, id);
  }

  @Authorized(Scope.READ)
  @Query(() => [Node], { nullable: "items", description: "Several objects by global ID, in the order asked (at most the page size limit)." })
  nodes(@Arg("ids", () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<(Node | null)[]> {
    if (ids.length > ctx.config.maxPageSize) throw new LimitExceededError(`ids: at most ${ctx.config.maxPageSize} IDs`, "pageSize");
    return Promise.all(ids.map((id) => load(ctx, id)));
  }
}
