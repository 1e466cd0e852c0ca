import { NonEmptyArray } from "type-graphql";
import { AnnotationResolver } from "./annotation.resolver";
import { AuditResolver } from "./audit.resolver";
import { CloudResourceResolver } from "./cloud-resource.resolver";
import { BuildArtifactResolver, CloudResourceSourcesResolver, CodeToCloudResolver, ExposurePathResolver, FindingResourcesResolver } from "./code-to-cloud.resolver";
import { ConnectorResolver, ImportRunResolver, SyncRunResolver } from "./connector.resolver";
import { FindingResolver } from "./finding.resolver";
import { FindingEventResolver } from "./finding-event.resolver";
import { IngestResolver } from "./ingest.resolver";
import { NodeResolver } from "./node.resolver";
import { OrganizationResolver } from "./organization.resolver";
import { DeploymentResolver, EnvironmentResolver, PipelineResolver } from "./pipeline.resolver";
import { RepositoryResolver } from "./repository.resolver";
import { SummaryResolver } from "./summary.resolver";
import { TokenResolver } from "./token.resolver";
import { ViewerResolver } from "./viewer.resolver";
import { WebhookResolver } from "./webhook.resolver";

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  NodeResolver, ViewerResolver, OrganizationResolver, RepositoryResolver, PipelineResolver, DeploymentResolver,
  EnvironmentResolver, FindingResolver, CloudResourceResolver, ConnectorResolver, SyncRunResolver, ImportRunResolver,
  SummaryResolver, TokenResolver, IngestResolver, AuditResolver,
  CodeToCloudResolver, ExposurePathResolver, CloudResourceSourcesResolver, FindingResourcesResolver, BuildArtifactResolver, FindingEventResolver, WebhookResolver,
  AnnotationResolver,
];
