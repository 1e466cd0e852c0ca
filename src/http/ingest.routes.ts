import { Router } from "express";
import { DomainError } from "../common/errors";
import { Logger } from "../common/logger";
import { Config } from "../config";
import { Services } from "../composition";
import { IngestFormat } from "../ingest";
import { CYCLONEDX_TYPES, SARIF_TYPES } from "./ingest.body";
import { queryParam, uploadRoute } from "./upload-route";

/** POST /ingest/sarif and POST /ingest/cyclonedx: the raw body is read here, not by a body parser. */
export function ingestRoutes(services: Services, config: Config, logger: Logger): Router {
  const router = Router();
  const handler = (format: IngestFormat, types: string[]) => uploadRoute(config, logger, types, async (req, body) => {
    const summary = await services.ingest.ingest({ organizationIds: req.auth!.organizationIds }, {
      repository: queryParam(req, "repository")!, commit: queryParam(req, "commit"), ref: queryParam(req, "ref"), category: queryParam(req, "category"), format, body,
    });
    const { defaultBranch: _d, categories: _c, ...publicSummary } = summary;
    return publicSummary;
  }, (req) => {
    if (!queryParam(req, "repository")) throw new DomainError("INVALID_REQUEST", "Query parameter repository is required (a full name such as acme/api, or a repository ID)");
  });
  router.post("/ingest/sarif", handler("SARIF", SARIF_TYPES));
  router.post("/ingest/cyclonedx", handler("CYCLONEDX", CYCLONEDX_TYPES));
  return router;
}
