import { registerEnumType } from "type-graphql";
import {
  CloudProvider, ConnectorProvider, Criticality, DeliveryStatus, DismissReason, FindingCategory, FindingEventType, FindingState,
  PriorityLevel, Provider, Scope, Severity, SyncStatus,
} from "../common/types";

registerEnumType(Provider, { name: "Provider", description: "Where a DevOps organization lives." });
registerEnumType(FindingCategory, { name: "FindingCategory", description: "What kind of weakness a finding is." });
registerEnumType(Severity, { name: "Severity", description: "The source's severity, normalized." });
registerEnumType(FindingState, { name: "FindingState", description: "Lifecycle state of a finding." });
registerEnumType(PriorityLevel, { name: "PriorityLevel", description: "Remediation priority level, P0 most urgent." });
registerEnumType(Scope, { name: "Scope", description: "What an API token may do." });
registerEnumType(FindingEventType, { name: "FindingEventType", description: "Kind of change recorded in the event log." });
registerEnumType(CloudProvider, { name: "CloudProvider", description: "Cloud or platform of a resource." });
registerEnumType(Criticality, { name: "Criticality", description: "Business criticality of a cloud resource." });
registerEnumType(SyncStatus, { name: "SyncStatus", description: "Outcome of a connector sync run." });
registerEnumType(ConnectorProvider, { name: "ConnectorProvider", description: "Source a connector syncs from." });
registerEnumType(DeliveryStatus, { name: "DeliveryStatus", description: "State of a webhook delivery: PENDING (queued or retrying), SUCCEEDED (a 2xx answer), FAILED (retries exhausted, or 410)." });
registerEnumType(DismissReason, { name: "DismissReason", description: "Why a finding was dismissed." });

export {
  CloudProvider, ConnectorProvider, Criticality, DeliveryStatus, DismissReason, FindingCategory, FindingEventType, FindingState,
  PriorityLevel, Provider, Scope, Severity, SyncStatus,
};
