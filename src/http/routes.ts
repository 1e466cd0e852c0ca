import { Router } from "express";
import { DataSource } from "typeorm";
import { Config } from "../config";
import { Logger } from "../common/logger";
import { Services } from "../services";

/** Authenticated non-GraphQL endpoints (ingestion, event polling) register here. */
export function extraRoutes(_ds: DataSource, _services: Services, _config: Config, _logger: Logger): Router {
  const router = Router();
  return router;
}
