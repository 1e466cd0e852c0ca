import type {
  AdoPipelineSecurity, BranchProtection, GitHubWorkflowSecurity, OrganizationSecurity, Platform, RepositorySecurity, SecureFile,
  ServiceConnection, VariableGroup,
} from "../inventory/settings";

/**
 * What a posture check is evaluated against: neutral (built from any
 * provider's stored settings by its transform). Every target names its
 * organization (`org`, also the key of per-organization configuration) and
 * its display name (`name`, the result's targetName).
 */
export type TargetKind = "organization" | "repository" | "workflow" | "pipeline" | "service-connection" | "variable-group" | "secure-file";

interface TargetBase {
  platform: Platform;
  org: string;
  /** e.g. acme/api, acme, acme/api/.github/workflows/ci.yml, fabrikam/payments/deploy-sc. */
  name: string;
  /** Full name of the repository the target is in, when it is in one. */
  repository?: string | null;
}

export interface RepositoryTarget extends TargetBase {
  kind: "repository";
  archived: boolean;
  visibility: string;
  protection: BranchProtection;
  security: RepositorySecurity;
  /** The repository's workflows; absent when they were not synced (public-self-hosted-runner then answers UNKNOWN). */
  workflows?: GitHubWorkflowSecurity[];
}

export interface WorkflowTarget extends TargetBase {
  kind: "workflow";
  repository: string;
  /** Workflows of archived repositories cannot run: they are not assessed. */
  repositoryArchived: boolean;
  workflow: GitHubWorkflowSecurity;
  /** What a job without a permissions block gets. */
  organizationDefaultPermissions: "read" | "write" | "unknown";
}

export interface OrganizationTarget extends TargetBase { kind: "organization"; security: OrganizationSecurity }
export interface AdoPipelineTarget extends TargetBase { kind: "pipeline"; pipeline: AdoPipelineSecurity }
export interface ServiceConnectionTarget extends TargetBase { kind: "service-connection"; connection: ServiceConnection }
export interface VariableGroupTarget extends TargetBase { kind: "variable-group"; group: VariableGroup }
export interface SecureFileTarget extends TargetBase { kind: "secure-file"; file: SecureFile }

export type PostureTarget =
  | RepositoryTarget | WorkflowTarget | OrganizationTarget | AdoPipelineTarget | ServiceConnectionTarget | VariableGroupTarget | SecureFileTarget;

export type TargetOfKind<K extends TargetKind> = Extract<PostureTarget, { kind: K }>;
