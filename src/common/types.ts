/**
 * Domain enums shared by entities, services, connectors and pure modules.
 * Their GraphQL registration lives in src/entities/enums.ts.
 */
export enum Provider { GITHUB = "GITHUB", AZURE_DEVOPS = "AZURE_DEVOPS", GENERIC = "GENERIC" }
export enum FindingCategory { CODE = "CODE", SECRET = "SECRET", DEPENDENCY = "DEPENDENCY", IAC = "IAC", CONTAINER = "CONTAINER", POSTURE = "POSTURE" }
export enum Severity { CRITICAL = "CRITICAL", HIGH = "HIGH", MEDIUM = "MEDIUM", LOW = "LOW", INFO = "INFO" }
export enum FindingState { OPEN = "OPEN", FIXED = "FIXED", DISMISSED = "DISMISSED" }
export enum PriorityLevel { P0 = "P0", P1 = "P1", P2 = "P2", P3 = "P3", P4 = "P4" }
export enum Scope { READ = "READ", WRITE = "WRITE", INGEST = "INGEST", ADMIN = "ADMIN" }
export enum FindingEventType {
  CREATED = "CREATED", UPDATED = "UPDATED", FIXED = "FIXED", REOPENED = "REOPENED",
  DISMISSED = "DISMISSED", ASSIGNED = "ASSIGNED", PRIORITY_CHANGED = "PRIORITY_CHANGED",
}
export enum CloudProvider { AZURE = "AZURE", AWS = "AWS", GCP = "GCP", KUBERNETES = "KUBERNETES", OTHER = "OTHER" }
export enum Criticality { LOW = "LOW", MEDIUM = "MEDIUM", HIGH = "HIGH", CRITICAL = "CRITICAL" }
export enum SyncStatus { RUNNING = "RUNNING", SUCCEEDED = "SUCCEEDED", PARTIAL = "PARTIAL", FAILED = "FAILED" }
export enum DeliveryStatus { PENDING = "PENDING", SUCCEEDED = "SUCCEEDED", FAILED = "FAILED" }
export enum ConnectorProvider { GITHUB = "GITHUB", AZURE_DEVOPS = "AZURE_DEVOPS" }
export enum DismissReason { FALSE_POSITIVE = "FALSE_POSITIVE", WONT_FIX = "WONT_FIX", ACCEPTED_RISK = "ACCEPTED_RISK", USED_IN_TESTS = "USED_IN_TESTS", MITIGATED = "MITIGATED", NOT_AFFECTED = "NOT_AFFECTED" }

/** Severity rank, higher is worse; used for ordering and SQL sort keys. */
export const SEVERITY_RANK: Record<Severity, number> = {
  [Severity.CRITICAL]: 4, [Severity.HIGH]: 3, [Severity.MEDIUM]: 2, [Severity.LOW]: 1, [Severity.INFO]: 0,
};
