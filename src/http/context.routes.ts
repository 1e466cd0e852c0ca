import { Request, Router } from "express";
import { ForbiddenError } from "../common/errors";
import { Logger } from "../common/logger";
import { Config } from "../config";
import { CloudInputError, parseCloudNdjson } from "../formats";
import { Services } from "../composition";
import { uploadRoute } from "./upload-route";

const NDJSON_TYPES = ["application/x-ndjson", "application/ndjson", "application/jsonl", "application/json", "text/plain"];
const KEV_TYPES = ["application/json"];
const EPSS_TYPES = ["text/csv", "text/plain", "application/gzip", "application/octet-stream"];

/**
 * Context uploads with the INGEST scope: POST /ingest/cloud (NDJSON cloud
 * inventory; ?source=…&complete=true for a scoped full replacement),
 * POST /ingest/kev (CISA KEV JSON) and POST /ingest/epss (EPSS CSV, gzip or not).
 * Bad input answers 400 naming the line or field, and writes nothing.
 */
export function contextRoutes(services: Services, config: Config, logger: Logger): Router {
  const router = Router();
  const handle = (types: string[], run: (req: Request, body: Buffer) => Promise<unknown>) => uploadRoute(config, logger, types, run);
  router.post("/ingest/cloud", handle(NDJSON_TYPES, async (req, body) => {
    const complete = req.query.complete;
    if (complete !== undefined && complete !== "true" && complete !== "false") throw new CloudInputError("must be true or false", "complete");
    const source = typeof req.query.source === "string" ? req.query.source : undefined;
    const records = parseCloudNdjson(body.toString("utf8"));
    return services.cloud.upsert({ organizationIds: req.auth!.organizationIds }, records, { source, complete: complete === "true" });
  }));
  // KEV and EPSS apply to every organization's findings: a token limited to some organizations may not change them.
  const global = (req: Request) => {
    if (req.auth!.organizationIds !== null) throw new ForbiddenError("Exploitation data applies to every organization: a token limited to organizations cannot upload it");
  };
  router.post("/ingest/kev", handle(KEV_TYPES, (req, body) => { global(req); return services.intel.importKev(body); }));
  router.post("/ingest/epss", handle(EPSS_TYPES, (req, body) => { global(req); return services.intel.importEpss(body); }));
  return router;
}
