import { AnnotationService } from "./annotations";
import { connectorRegistry } from "./connectors";
import { Database, openDatabase } from "./db/database";
import { EventLogSubscriber } from "./events/outbox";
import { DataSource } from "typeorm";
import { Config } from "./config/index";
import { Logger } from "./common/logger";
import { FindingQueryService, SummaryService, FindingStore } from "./findings";
import { InventoryService } from "./inventory";
import { TokenService, AuditService } from "./access";
import { loadSecretKey, SecretBox } from "./common/crypto";
import { PriorityService } from "./priority";
import { IngestService } from "./ingest";
import { ConnectorService, SyncService } from "./sync";
import { CloudService, ExposureService } from "./cloud";
import { IntelService } from "./intel";
import { EventHub } from "./events";
import { WebhookRunner, WebhookService } from "./events/webhooks";

/**
 * The database as the application uses it: with the event log's commit hook,
 * which writes each transaction's finding events at its commit.
 */
export function openAppDatabase(config: Config, options: { schema?: string; migrate?: boolean } = {}): Promise<Database> {
  return openDatabase(config, { ...options, subscribers: [EventLogSubscriber] });
}

/** The services, built once at startup; resolvers and HTTP handlers only call these. */
export function createServices(ds: DataSource, config: Config, logger: Logger) {
  const priority = new PriorityService(ds);
  const findingStore = new FindingStore(priority);
  const secrets = new SecretBox(loadSecretKey(config.secretKey, config.dataDir));
  const registry = connectorRegistry();
  const sync = new SyncService(ds, secrets, findingStore, logger, registry);
  const connectors = new ConnectorService(ds, secrets, sync, registry);
  const events = new EventHub(ds, priority, logger, { subscriberBuffer: config.eventSubscriberBuffer, retentionDays: config.eventRetentionDays });
  const webhookRunner = new WebhookRunner(ds, events, secrets, logger, {
    retrySchedule: config.webhookRetrySchedule, timeoutMs: config.webhookTimeoutMs, allowPrivate: config.webhookAllowPrivate,
  });
  return {
    priority,
    findingStore,
    sync,
    connectors,
    annotations: new AnnotationService(ds, priority, connectors),
    ingest: new IngestService(ds, findingStore, logger),
    findings: new FindingQueryService(ds, config.maxPageSize),
    inventory: new InventoryService(ds, config.maxPageSize),
    summary: new SummaryService(ds),
    tokens: new TokenService(ds),
    secrets,
    audit: new AuditService(ds, logger, config.auditFlushMs, config.maxPageSize),
    cloud: new CloudService(ds, priority),
    intel: new IntelService(ds, priority, logger),
    exposure: new ExposureService(ds, config.maxPageSize),
    /** Finding event fan-out; started by startApp (it listens and polls). */
    events,
    /** Signed outbound webhooks; their feeder and sender (webhooks.runner) are started by startApp after the schema. */
    webhooks: new WebhookService(ds, secrets, events, webhookRunner, { allowPrivate: config.webhookAllowPrivate, maxPageSize: config.maxPageSize }),
    logger,
  };
}

export type Services = ReturnType<typeof createServices>;
