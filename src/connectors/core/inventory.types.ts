/**
 * The neutral inventory rows every connector loads (load-inventory.ts): each
 * connector's transform produces these, whatever its source's shapes are.
 */
export interface InventoryRepository {
  /** The source's stable id (GitHub node id, Azure DevOps repository GUID). */
  externalId: string;
  name: string;
  /** owner/name on GitHub, organization/project/name on Azure DevOps. */
  fullName: string;
  url: string;
  visibility: string;
  defaultBranch: string | null;
  archived: boolean;
  fork: boolean;
  pushedAt: Date | null;
  /** Merged into repository.settings (keys the connector owns). */
  settings: Record<string, unknown>;
  /** The project row (Azure DevOps); null on GitHub. */
  projectId?: string | null;
}

export interface InventoryPipeline {
  repoId: string | null;
  projectId?: string | null;
  externalId: string;
  name: string;
  path: string | null;
  triggers: string[];
  definition: Record<string, unknown>;
  url: string | null;
}

/** Protection rules as the source reports them (GitHub environment protection, Azure DevOps checks). */
export interface EnvironmentProtectionRule { type: string; timeout: number | null; preventSelfReview: boolean | null }

export interface InventoryEnvironment { externalId: string; name: string; production: boolean; protectionRules: EnvironmentProtectionRule[] | null }
export interface InventoryDeployment { externalId: string; environmentExternalId: string; commitSha: string | null; ref: string | null; state: string; deployedAt: Date }

/** The environments of one scope (a GitHub repository, an Azure DevOps project); `complete` lets cleanup remove what is gone. */
export interface EnvironmentLoad {
  repoId: string | null;
  projectId?: string | null;
  complete: boolean;
  environments: InventoryEnvironment[];
  deployments: (InventoryDeployment & { repoId?: string | null })[];
}

/** Whether an environment name means production (shared by every connector and the demo). */
export const isProductionName = (name: string) => /(^|[^a-z])(prod|production|prd|live)([^a-z]|$)/i.test(name);
