import { Connection } from "../../common/pagination";
import { CloudResource, Connector, DevOpsOrganization, Finding, ImportRun, Pipeline, Repository, SyncRun, Webhook, WebhookDelivery } from "../../entities";

export const FindingConnection = Connection(Finding, "Finding");
export const RepositoryConnection = Connection(Repository, "Repository");
export const OrganizationConnection = Connection(DevOpsOrganization, "DevOpsOrganization");
export const PipelineConnection = Connection(Pipeline, "Pipeline");
export const CloudResourceConnection = Connection(CloudResource, "CloudResource");
export const ConnectorConnection = Connection(Connector, "Connector");
export const SyncRunConnection = Connection(SyncRun, "SyncRun");
export const ImportRunConnection = Connection(ImportRun, "ImportRun");
export const WebhookConnection = Connection(Webhook, "Webhook");
export const WebhookDeliveryConnection = Connection(WebhookDelivery, "WebhookDelivery");
