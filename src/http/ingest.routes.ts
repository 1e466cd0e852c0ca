import { NextFunction, Request, Response, Router } from "express";
import { hasScope } from "../common/auth";
import { Logger } from "../common/logger";
import { Scope } from "../common/types";
import { Config } from "../config";
import { Services } from "../composition";
import { IngestFormat, ingestErrorResponse } from "../ingest";
import { checkContentType, CYCLONEDX_TYPES, readIngestBody, SARIF_TYPES } from "./ingest.body";

function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === "string" ? v : undefined;
}

/** POST /ingest/sarif and POST /ingest/cyclonedx: the raw body is read here, not by a body parser. */
export function ingestRoutes(services: Services, config: Config, logger: Logger): Router {
  const router = Router();
  const handler = (format: IngestFormat, types: string[]) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (!hasScope(req.auth, Scope.INGEST)) {
        res.status(403).json({ error: { code: "FORBIDDEN", message: "This token does not have the INGEST scope" } });
        req.resume();
        return;
      }
      const repository = query(req, "repository");
      if (!repository) {
        res.status(400).json({ error: { code: "INVALID_REQUEST", message: "Query parameter repository is required (a full name such as acme/api, or a repository ID)" } });
        req.resume();
        return;
      }
      checkContentType(req, types);
      const body = await readIngestBody(req, { bodyLimit: config.ingestBodyLimit, compressedLimit: config.ingestCompressedLimit });
      const summary = await services.ingest.ingest({ organizationIds: req.auth!.organizationIds }, {
        repository, commit: query(req, "commit"), ref: query(req, "ref"), category: query(req, "category"), format, body,
      });
      const { defaultBranch: _d, categories: _c, ...publicSummary } = summary;
      res.status(200).json(publicSummary);
    } catch (err) {
      const mapped = ingestErrorResponse(err);
      if (!mapped) { next(err); return; }
      if (!req.readableEnded) { res.setHeader("connection", "close"); req.resume(); }
      if (mapped.status >= 500) logger.error({ err }, "ingest failed");
      res.status(mapped.status).json(mapped.body);
    }
  };
  router.post("/ingest/sarif", handler("SARIF", SARIF_TYPES));
  router.post("/ingest/cyclonedx", handler("CYCLONEDX", CYCLONEDX_TYPES));
  return router;
}
