import { DataSource } from "typeorm";
import { Config } from "./config/index";
import { Logger } from "./common/logger";
import { FindingQueryService } from "./findings/finding-query.service";
import { InventoryService } from "./inventory/inventory.service";
import { SummaryService } from "./findings/summary.service";
import { TokenService } from "./access/token.service";
import { AuditService } from "./access/audit.service";
import { loadSecretKey, SecretBox } from "./common/crypto";
import { PriorityService } from "./priority/priority.service";
import { FindingStore } from "./findings/finding-store";
import { IngestService } from "./ingest/ingest.service";
import { ConnectorService } from "./sync/connector.service";
import { SyncService } from "./sync/sync.service";
import { CloudService } from "./cloud/cloud.service";
import { IntelService } from "./intel/intel.service";
import { ExposureService } from "./cloud/exposure.service";
import { EventHub } from "./events/event-hub";

/** The services, built once at startup; resolvers and HTTP handlers only call these. */
export function createServices(ds: DataSource, config: Config, logger: Logger) {
  const priority = new PriorityService(ds);
  const findingStore = new FindingStore(priority);
  const secrets = new SecretBox(loadSecretKey(config.secretKey, config.dataDir));
  const sync = new SyncService(ds, secrets, findingStore, logger);
  return {
    priority,
    findingStore,
    sync,
    connectors: new ConnectorService(ds, secrets, sync),
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
    events: new EventHub(ds, priority, logger, { subscriberBuffer: config.eventSubscriberBuffer, retentionDays: config.eventRetentionDays }),
    logger,
  };
}

export type Services = ReturnType<typeof createServices>;
