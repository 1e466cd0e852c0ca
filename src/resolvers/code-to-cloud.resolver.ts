import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import { Context } from "../context";
import { ForbiddenError, UserInputError } from "../common/errors";
import { Scope } from "../common/types";
import { ConnectionResult } from "../common/pagination";
import { CloudInputError, parseCloudResource } from "../formats";
import { BuildArtifact, CloudResource, Environment, EnvironmentMappingRule, Finding, Pipeline, Repository } from "../entities";
import { ExposurePathRow } from "../cloud";
import { CloudCodeArgs } from "./types/cloud.args";
import {
  BuildArtifactInput, CloudUploadSummaryType, EnvironmentMappingRuleInput, ExposurePathConnection, ExposurePathFilter,
  ExposurePathType, PriorityPolicyInfo, ResourceSourceType,
} from "./types/cloud.types";
import { PageArgsType } from "./types/common.args";

@Resolver()
export class CodeToCloudResolver {
  @Authorized(Scope.WRITE)
  @Mutation(() => CloudUploadSummaryType, { description: "Creates or updates cloud resources by provider + externalId (set-based). With complete: true, resources of this source that the upload no longer lists get goneAt." })
  upsertCloudResources(@Args() args: CloudCodeArgs, @Ctx() ctx: Context): Promise<CloudUploadSummaryType> {
    const records = args.input.map((r, i) => {
      try { return parseCloudResource(r); } catch (err) {
        if (err instanceof CloudInputError) throw new UserInputError(`input[${i}].${err.message}`, { field: `input[${i}].${err.field}` });
        throw err;
      }
    });
    return ctx.services.cloud.upsert(ctx.access, records, { source: args.source, complete: args.complete });
  }

  @Authorized()
  @Mutation(() => BuildArtifact, { description: "Records an image a pipeline built and pushed (INGEST or WRITE scope); resources running its digest link to the repository and commit." })
  recordBuildArtifact(@Arg("input", () => BuildArtifactInput) input: BuildArtifactInput, @Ctx() ctx: Context): Promise<BuildArtifact> {
    if (!ctx.auth.scopes.includes(Scope.INGEST) && !ctx.auth.scopes.includes(Scope.WRITE)) throw new ForbiddenError("This token lacks the ingest or write scope");
    return ctx.services.cloud.recordBuildArtifact(ctx.access, input);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => Environment, { description: "Replaces the resources an environment explicitly deploys to; repositories deploying there link to them." })
  async setEnvironmentResources(@Arg("environment", () => ID) environment: string, @Arg("resources", () => [ID]) resources: string[], @Ctx() ctx: Context): Promise<Environment | null> {
    const id = await ctx.services.cloud.setEnvironmentResources(ctx.access, environment, resources);
    return ctx.loaders.environment.load(id);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => EnvironmentMappingRule, { description: "Creates (or, with id, updates) an environment → resource mapping rule; links are re-derived at once." })
  upsertEnvironmentMappingRule(@Arg("input", () => EnvironmentMappingRuleInput) input: EnvironmentMappingRuleInput, @Ctx() ctx: Context): Promise<EnvironmentMappingRule> {
    return ctx.services.cloud.upsertMappingRule(ctx.access, input);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => Boolean)
  deleteEnvironmentMappingRule(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.cloud.deleteMappingRule(ctx.access, id);
  }

  @Authorized(Scope.READ)
  @Query(() => [EnvironmentMappingRule], { description: "Environment → resource mapping rules." })
  environmentMappingRules(@Ctx() ctx: Context): Promise<EnvironmentMappingRule[]> {
    return ctx.services.cloud.mappingRules(ctx.access);
  }

  @Authorized(Scope.READ)
  @Query(() => ExposurePathConnection, { description: "Chains repository → pipeline → environment → internet-exposed resource with matching open findings, most urgent first. E.g. filter: {severity: [CRITICAL]}." })
  exposurePaths(@Arg("filter", () => ExposurePathFilter, { nullable: true }) filter: ExposurePathFilter | undefined, @Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<ExposurePathRow>> {
    return ctx.services.exposure.list(ctx.access, filter ?? {}, page);
  }

  @Authorized(Scope.READ)
  @Query(() => PriorityPolicyInfo, { description: "The priority policy in force and its version." })
  async priorityPolicy(@Ctx() ctx: Context): Promise<PriorityPolicyInfo> {
    const p = await ctx.services.priority.currentPolicy();
    return { version: p.policy.version, policy: p.policy, isDefault: p.isDefault, updatedAt: p.updatedAt };
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => PriorityPolicyInfo, { description: "Replaces the priority policy (validated; version = previous + 1) and rescores every finding." })
  updatePriorityPolicy(@Arg("policy", () => GraphQLJSON) policy: unknown, @Ctx() ctx: Context): Promise<PriorityPolicyInfo> {
    return updatePolicy(ctx, policy ?? undefined);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => PriorityPolicyInfo, { description: "Restores the default weights (as a new version) and rescores every finding." })
  resetPriorityPolicy(@Ctx() ctx: Context): Promise<PriorityPolicyInfo> {
    return updatePolicy(ctx, null);
  }
}

async function updatePolicy(ctx: Context, policy: unknown): Promise<PriorityPolicyInfo> {
  // One policy scores every organization's findings: an organization-limited admin may not change it.
  if (ctx.access.organizationIds !== null) throw new ForbiddenError("The priority policy applies to every organization: a token limited to organizations cannot change it");
  const r = await ctx.services.priority.updatePolicy(policy === undefined ? {} : policy);
  return { version: r.policy.version, policy: r.policy, isDefault: false, updatedAt: new Date(), findingsRescored: r.rescored, findingsChanged: r.changed };
}

@Resolver(() => ExposurePathType)
export class ExposurePathResolver {
  @FieldResolver(() => Repository)
  repository(@Root() p: ExposurePathRow, @Ctx() ctx: Context) { return ctx.loaders.repository.load(p.repositoryId); }
  @FieldResolver(() => Pipeline, { nullable: true })
  pipeline(@Root() p: ExposurePathRow, @Ctx() ctx: Context) { return p.pipelineId ? ctx.loaders.pipeline.load(p.pipelineId) : null; }
  @FieldResolver(() => Environment, { nullable: true })
  environment(@Root() p: ExposurePathRow, @Ctx() ctx: Context) { return p.environmentId ? ctx.loaders.environment.load(p.environmentId) : null; }
  @FieldResolver(() => CloudResource)
  resource(@Root() p: ExposurePathRow, @Ctx() ctx: Context) { return ctx.loaders.cloudResource.load(p.resourceId); }
  @FieldResolver(() => [Finding])
  async topFindings(@Root() p: ExposurePathRow, @Ctx() ctx: Context): Promise<Finding[]> {
    const rows = await ctx.loaders.finding.loadMany(p.topFindingIds);
    return rows.filter((r): r is Finding => !!r && !(r instanceof Error));
  }
}

@Resolver(() => CloudResource)
export class CloudResourceSourcesResolver {
  @FieldResolver(() => [ResourceSourceType], { description: "Repositories, files and commits this resource runs, with evidence and confidence." })
  async sources(@Root() c: CloudResource, @Ctx() ctx: Context): Promise<ResourceSourceType[]> {
    const rows = await ctx.loaders.sourcesByResource.load(c.id);
    const out: ResourceSourceType[] = [];
    for (const r of rows) {
      const [repository, environment] = await Promise.all([ctx.loaders.repository.load(r.repositoryId), r.environmentId ? ctx.loaders.environment.load(r.environmentId) : null]);
      if (repository) out.push({ repository, environment, path: r.path, commit: r.commit, kind: r.kind, evidence: r.evidence, confidence: r.confidence });
    }
    return out;
  }
}

@Resolver(() => Finding)
export class FindingResourcesResolver {
  @FieldResolver(() => [CloudResource], { description: "Cloud resources the finding's code reaches (through its repository's links)." })
  affectedResources(@Root() f: Finding, @Ctx() ctx: Context): Promise<CloudResource[]> {
    return ctx.loaders.resourcesByRepository.load(f.repositoryId);
  }
}

@Resolver(() => BuildArtifact)
export class BuildArtifactResolver {
  @FieldResolver(() => Repository, { nullable: true })
  repository(@Root() b: BuildArtifact, @Ctx() ctx: Context) { return ctx.loaders.repository.load(b.repositoryId); }
  @FieldResolver(() => Pipeline, { nullable: true })
  pipeline(@Root() b: BuildArtifact, @Ctx() ctx: Context) { return b.pipelineId ? ctx.loaders.pipeline.load(b.pipelineId) : null; }
}
