import { Arg, Args, Authorized, Ctx, Field, FieldResolver, InputType, Query, Resolver, Root } from "type-graphql";
import { Context } from "../context";
import { Scope } from "../common/types";
import { ConnectionResult } from "../common/pagination";
import { Deployment, DevOpsOrganization, Environment, Pipeline, Repository } from "../entities";
import { PageArgsType } from "./types/common.args";
import { PipelineConnection } from "./types/connections";

@InputType("PipelineFilter")
export class PipelineFilter {
  @Field(() => [String], { nullable: true, description: "Repository IDs." }) repository?: string[];
  @Field(() => [String], { nullable: true, description: "DevOpsOrganization IDs." }) organization?: string[];
}

@Resolver(() => Pipeline)
export class PipelineResolver {
  @Authorized(Scope.READ)
  @Query(() => PipelineConnection, { description: "Pipelines (GitHub workflows, Azure pipelines), ordered by name." })
  pipelines(@Arg("filter", () => PipelineFilter, { nullable: true }) filter: PipelineFilter | undefined, @Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<Pipeline>> {
    return ctx.services.inventory.pipelines(ctx.access, filter ?? {}, page);
  }

  @FieldResolver(() => Repository, { nullable: true })
  repository(@Root() p: Pipeline, @Ctx() ctx: Context): Promise<Repository | null> | null {
    return p.repositoryId ? ctx.loaders.repository.load(p.repositoryId) : null;
  }

  @FieldResolver(() => DevOpsOrganization)
  organization(@Root() p: Pipeline, @Ctx() ctx: Context): Promise<DevOpsOrganization | null> {
    return ctx.loaders.organization.load(p.organizationId);
  }
}

@Resolver(() => Deployment)
export class DeploymentResolver {
  @FieldResolver(() => Environment, { nullable: true })
  environment(@Root() d: Deployment, @Ctx() ctx: Context): Promise<Environment | null> {
    return ctx.loaders.environment.load(d.environmentId);
  }

  @FieldResolver(() => Pipeline, { nullable: true })
  pipeline(@Root() d: Deployment, @Ctx() ctx: Context): Promise<Pipeline | null> | null {
    return d.pipelineId ? ctx.loaders.pipeline.load(d.pipelineId) : null;
  }

  @FieldResolver(() => Repository, { nullable: true })
  repository(@Root() d: Deployment, @Ctx() ctx: Context): Promise<Repository | null> | null {
    return d.repositoryId ? ctx.loaders.repository.load(d.repositoryId) : null;
  }
}

@Resolver(() => Environment)
export class EnvironmentResolver {
  @FieldResolver(() => Repository, { nullable: true })
  repository(@Root() e: Environment, @Ctx() ctx: Context): Promise<Repository | null> | null {
    return e.repositoryId ? ctx.loaders.repository.load(e.repositoryId) : null;
  }
}
