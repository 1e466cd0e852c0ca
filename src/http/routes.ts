import { Router } from "express";
import { DataSource } from "typeorm";
import { Config } from "../config";
import { Logger } from "../common/logger";
import { Services } from "../composition";
import { ingestRoutes } from "./ingest.routes";
import { contextRoutes } from "./context.routes";
import { eventsRoutes } from "./events.routes";

/** Authenticated non-GraphQL endpoints (ingestion, event polling) register here. */
export function extraRoutes(_ds: DataSource, services: Services, config: Config, logger: Logger): Router {
  const router = Router();
  router.use(ingestRoutes(services, config, logger));
  router.use(contextRoutes(services, config, logger));
  router.use(eventsRoutes(services));
  return router;
}
