import { ApiToken } from "./api-token.entity";
import { AuditEntry } from "./audit-log.entity";
import { CloudResource } from "./cloud-resource.entity";
import { Connector } from "./connector.entity";
import { Deployment } from "./deployment.entity";
import { Environment } from "./environment.entity";
import { Finding } from "./finding.entity";
import { FindingEvent } from "./finding-event.entity";
import { FindingObservation } from "./finding-observation.entity";
import { FindingScope } from "./finding-scope.entity";
import { FindingRank } from "./finding-rank.entity";
import { ImportRun } from "./import-run.entity";
import { DevOpsOrganization } from "./organization.entity";
import { Pipeline } from "./pipeline.entity";
import { Project } from "./project.entity";
import { Repository } from "./repository.entity";
import { ResourceLink } from "./resource-link.entity";
import { Rule } from "./rule.entity";
import { SyncRun } from "./sync-run.entity";
import { VulnerabilityIntel } from "./vulnerability-intel.entity";
import { PriorityPolicyRow } from "./priority-policy.entity";
import { BuildArtifact } from "./build-artifact.entity";
import { EnvironmentMappingRule, EnvironmentResource } from "./environment-mapping.entity";
import { Webhook } from "./webhook.entity";
import { WebhookDelivery } from "./webhook-delivery.entity";

export {
  ApiToken, AuditEntry, CloudResource, Connector, Deployment, Environment, Finding, FindingEvent, ImportRun,
  DevOpsOrganization, Pipeline, Project, Repository, ResourceLink, Rule, SyncRun, VulnerabilityIntel, PriorityPolicyRow, FindingObservation,
  BuildArtifact, EnvironmentMappingRule, EnvironmentResource, FindingScope, FindingRank, Webhook, WebhookDelivery,
};

export const ENTITIES = [
  ApiToken, AuditEntry, CloudResource, Connector, Deployment, Environment, Finding, FindingEvent, ImportRun,
  DevOpsOrganization, Pipeline, Project, Repository, ResourceLink, Rule, SyncRun, VulnerabilityIntel, PriorityPolicyRow, FindingObservation,
  BuildArtifact, EnvironmentMappingRule, EnvironmentResource, FindingScope, FindingRank, Webhook, WebhookDelivery,
];
