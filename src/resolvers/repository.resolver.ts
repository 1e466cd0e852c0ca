import { Arg, Args, Authorized, Ctx, Field, FieldResolver, InputType, Int, Query, Resolver, Root } from "type-graphql";
import { Context } from "../context";
import { Scope } from "../common/types";
import { ConnectionResult } from "../common/pagination";
import { CloudResource, DevOpsOrganization, Environment, Finding, Pipeline, Project, Repository } from "../entities";
import { PageArgsType } from "./types/common.args";
import { FindingConnection, RepositoryConnection } from "./types/connections";
import { FindingFilter, FindingOrder } from "./types/finding.inputs";

@InputType("RepositoryFilter")
export class RepositoryFilter {
  @Field(() => [String], { nullable: true, description: "DevOpsOrganization IDs." }) organization?: string[];
  @Field(() => String, { nullable: true, description: "Substring of the full name." }) search?: string;
  @Field(() => Boolean, { nullable: true }) archived?: boolean;
}

@Resolver(() => Repository)
export class RepositoryResolver {
  @Authorized(Scope.READ)
  @Query(() => RepositoryConnection, { description: "Repositories, ordered by full name." })
  repositories(@Arg("filter", () => RepositoryFilter, { nullable: true }) filter: RepositoryFilter | undefined, @Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<Repository>> {
    return ctx.services.inventory.repositories(ctx.access, filter ?? {}, page);
  }

  @Authorized(Scope.READ)
  @Query(() => Repository, { nullable: true, description: "A repository by full name (acme/api, fabrikam/payments/api)." })
  repository(@Arg("fullName", () => String) fullName: string, @Ctx() ctx: Context): Promise<Repository | null> {
    return ctx.services.inventory.repositoryByFullName(ctx.access, fullName);
  }

  @FieldResolver(() => DevOpsOrganization)
  organization(@Root() r: Repository, @Ctx() ctx: Context): Promise<DevOpsOrganization | null> {
    return ctx.loaders.organization.load(r.organizationId);
  }

  @FieldResolver(() => Project, { nullable: true })
  project(@Root() r: Repository, @Ctx() ctx: Context): Promise<Project | null> | null {
    return r.projectId ? ctx.loaders.project.load(r.projectId) : null;
  }

  @FieldResolver(() => [Pipeline])
  pipelines(@Root() r: Repository, @Ctx() ctx: Context): Promise<Pipeline[]> {
    return ctx.loaders.pipelinesByRepository.load(r.id);
  }

  @FieldResolver(() => [Environment])
  environments(@Root() r: Repository, @Ctx() ctx: Context): Promise<Environment[]> {
    return ctx.loaders.environmentsByRepository.load(r.id);
  }

  @FieldResolver(() => [CloudResource], { description: "Cloud resources this repository's code reaches (deployments, IaC tags, images)." })
  deployedTo(@Root() r: Repository, @Ctx() ctx: Context): Promise<CloudResource[]> {
    return ctx.loaders.resourcesByRepository.load(r.id);
  }

  @FieldResolver(() => Int, { description: "Open findings in this repository." })
  openFindingCount(@Root() r: Repository, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.openFindingCountByRepository.load(r.id);
  }

  @FieldResolver(() => FindingConnection, { description: "This repository's findings (one query per repository: ask it on a single repository)." })
  findings(
    @Root() r: Repository,
    @Arg("filter", () => FindingFilter, { nullable: true }) filter: FindingFilter | undefined,
    @Arg("orderBy", () => FindingOrder, { nullable: true }) orderBy: FindingOrder | undefined,
    @Args() page: PageArgsType,
    @Ctx() ctx: Context,
  ): Promise<ConnectionResult<Finding>> {
    return ctx.services.findings.list(ctx.access, { ...filter, repository: [r.id] }, orderBy, page);
  }
}
