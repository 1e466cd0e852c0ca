export { returned, mergeRepositorySettings, replacePipelines, upsertEnvironments, markGoneRepositories, mergeOrganizationSettings, upsertOrganization, upsertRepositories } from "./load-inventory";
export { stopsRun, SourceHttpError, SourceUnavailableError, RateLimitStop, SyncAborted, describe } from "./errors";
export { Attempt, decide, DEFAULT_RETRY_POLICY, header, inReserve, RetryPolicy } from "./retry-policy";
export { EnvironmentProtectionRule, InventoryDeployment, InventoryEnvironment, isProductionName, type EnvironmentLoad, type InventoryPipeline } from "./inventory.types";
export { SyncContext, runPhases, type Phase } from "./sync-context";
