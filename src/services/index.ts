import { DataSource } from "typeorm";
import { Config } from "../config";
import { Logger } from "../common/logger";
import { FindingQueryService } from "./finding-query.service";
import { InventoryService } from "./inventory.service";
import { SummaryService } from "./summary.service";
import { TokenService } from "./token.service";
import { loadSecretKey, SecretBox } from "../common/crypto";
import { PriorityService } from "./priority.service";
import { FindingStore } from "./finding-store";
import { IngestService } from "./ingest.service";

/** The services, built once at startup; resolvers and HTTP handlers only call these. */
export function createServices(ds: DataSource, config: Config, logger: Logger) {
  const priority = new PriorityService(ds);
  const findingStore = new FindingStore(priority);
  return {
    priority,
    findingStore,
    ingest: new IngestService(ds, findingStore, logger),
    findings: new FindingQueryService(ds, config.maxPageSize),
    inventory: new InventoryService(ds, config.maxPageSize),
    summary: new SummaryService(ds),
    tokens: new TokenService(ds),
    secrets: new SecretBox(loadSecretKey(config.secretKey, config.dataDir)),
    logger,
  };
}

export type Services = ReturnType<typeof createServices>;
