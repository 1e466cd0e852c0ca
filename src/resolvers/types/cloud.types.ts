import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import { CloudProvider, Criticality, FindingCategory, Severity } from "../../entities/enums";
import { Connection } from "../../common/pagination";
import { CloudResource, Environment, Finding, Pipeline, Repository } from "../../entities";

@InputType("TagInput")
export class TagInput {
  @Field(() => String) key: string;
  @Field(() => String) value: string;
}

@InputType("CloudResourceInput", { description: "A cloud resource as an inventory script sees it; identified by provider + externalId. Absent optional fields mean false / none." })
export class CloudResourceInput {
  @Field(() => CloudProvider) provider: CloudProvider;
  @Field(() => String, { description: "Resource type, e.g. Microsoft.Web/sites, AWS::ECS::Service." }) type: string;
  @Field(() => String, { description: "ARM ID, ARN or other provider identifier." }) externalId: string;
  @Field(() => String) name: string;
  @Field(() => String, { nullable: true }) region?: string;
  @Field(() => [TagInput], { nullable: true, description: "yor tags git_org + git_repo link the resource to that repository (git_file, git_commit, yor_trace are kept as evidence)." }) tags?: TagInput[];
  @Field(() => Boolean, { nullable: true }) internetExposed?: boolean;
  @Field(() => Boolean, { nullable: true }) sensitiveData?: boolean;
  @Field(() => String, { nullable: true, description: "\"production\" counts as production." }) environment?: string;
  @Field(() => Criticality, { nullable: true }) criticality?: Criticality;
  @Field(() => [String], { nullable: true, description: "Image digests (sha256:…) the resource runs." }) imageDigests?: string[];
  @Field(() => ID, { nullable: true, description: "Owning DevOpsOrganization; otherwise taken from the code linked to it." }) organization?: string;
}

@ObjectType("CloudUploadSummary", { description: "What one cloud inventory upload changed." })
export class CloudUploadSummaryType {
  @Field(() => Int) received: number;
  @Field(() => Int) created: number;
  @Field(() => Int) updated: number;
  @Field(() => Int) unchanged: number;
  @Field(() => Int, { description: "Resources of this source a complete upload no longer listed (goneAt set)." }) gone: number;
  @Field(() => Int) linksAdded: number;
  @Field(() => Int) linksRemoved: number;
  @Field(() => Int, { description: "Findings whose priority was recomputed because their context changed." }) findingsRescored: number;
}

@ObjectType("ResourceSource", { description: "Why we believe a repository's code runs on a resource." })
export class ResourceSourceType {
  @Field(() => Repository) repository: Repository;
  @Field(() => Environment, { nullable: true }) environment: Environment | null;
  @Field(() => String, { nullable: true, description: "File that declares it (yor git_file)." }) path: string | null;
  @Field(() => String, { nullable: true }) commit: string | null;
  @Field(() => String, { description: "iac-tag, image-digest, deployment, environment or manual." }) kind: string;
  @Field(() => String) evidence: string;
  @Field(() => Float, { description: "0..1." }) confidence: number;
}

@InputType("BuildArtifactInput")
export class BuildArtifactInput {
  @Field(() => String, { description: "Full name or Repository ID." }) repository: string;
  @Field(() => ID, { nullable: true, description: "The Pipeline that built it." }) pipeline?: string;
  @Field(() => String) commit: string;
  @Field(() => String, { description: "e.g. ghcr.io/acme/api" }) imageName: string;
  @Field(() => String, { description: "sha256:…" }) imageDigest: string;
}

@InputType("EnvironmentMappingRuleInput", { description: "Environments (one by ID, or by a name glob) → resources with a tag and/or a name glob. Globs take * and ?, and {repository} / {environment} for the environment's repository and name." })
export class EnvironmentMappingRuleInput {
  @Field(() => ID, { nullable: true, description: "Updates this rule instead of creating one." }) id?: string;
  @Field(() => ID, { nullable: true }) environment?: string;
  @Field(() => String, { nullable: true, description: "Glob on environment names, e.g. prod*." }) environmentName?: string;
  @Field(() => String, { nullable: true }) tagKey?: string;
  @Field(() => String, { nullable: true, description: "Glob on the tag's value, e.g. {repository}." }) tagValue?: string;
  @Field(() => String, { nullable: true, description: "Glob on resource names, e.g. {repository}-{environment}." }) resourceName?: string;
}

@ObjectType("SeverityCounts")
export class SeverityCounts {
  @Field(() => Int) critical: number;
  @Field(() => Int) high: number;
  @Field(() => Int) medium: number;
  @Field(() => Int) low: number;
  @Field(() => Int) info: number;
  @Field(() => Int) total: number;
}

@ObjectType("ExposurePath", { description: "A chain repository → pipeline → environment → internet-exposed resource, with the open findings of the code on it." })
export class ExposurePathType {
  @Field(() => Repository) repository: Repository;
  @Field(() => Pipeline, { nullable: true, description: "The pipeline that deployed or built it, when known." }) pipeline: Pipeline | null;
  @Field(() => Environment, { nullable: true }) environment: Environment | null;
  @Field(() => CloudResource) resource: CloudResource;
  @Field(() => [String], { description: "Link kinds behind the chain (iac-tag, image-digest, deployment, environment)." }) via: string[];
  @Field(() => [String]) evidence: string[];
  @Field(() => String, { nullable: true, description: "Commit deployed, built or declared." }) commit: string | null;
  @Field(() => Float) confidence: number;
  @Field(() => Int, { description: "Highest priority score among the matching open findings." }) maxScore: number;
  @Field(() => SeverityCounts, { description: "Matching open findings by severity." }) openFindings: SeverityCounts;
  @Field(() => [Finding], { description: "The most urgent matching open findings (up to 5)." }) topFindings: Finding[];
}

export const ExposurePathConnection = Connection(ExposurePathType, "ExposurePath");

@InputType("ExposurePathFilter")
export class ExposurePathFilter {
  @Field(() => [Severity], { nullable: true, description: "Count only open findings of these severities; paths without any are left out." }) severity?: Severity[];
  @Field(() => [FindingCategory], { nullable: true }) category?: FindingCategory[];
  @Field(() => Int, { nullable: true }) minScore?: number;
  @Field(() => [ID], { nullable: true, description: "DevOpsOrganization IDs (of the repository)." }) organization?: string[];
}

@ObjectType("PriorityPolicyInfo", { description: "The priority policy in force." })
export class PriorityPolicyInfo {
  @Field(() => Int) version: number;
  @Field(() => GraphQLJSON, { description: "Every weight, threshold and cut-off (see the README's policy table)." }) policy: unknown;
  @Field(() => Boolean, { description: "True while the built-in default has never been replaced." }) isDefault: boolean;
  @Field(() => Date, { nullable: true }) updatedAt: Date | null;
  @Field(() => Int, { nullable: true, description: "After an update: findings rescored under the new policy." }) findingsRescored?: number;
  @Field(() => Int, { nullable: true, description: "After an update: findings whose score changed." }) findingsChanged?: number;
}
