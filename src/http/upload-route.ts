import { NextFunction, Request, Response } from "express";
import { hasScope } from "../common/auth";
import { Logger } from "../common/logger";
import { Scope } from "../common/types";
import { Config } from "../config";
import { toHttpError } from "../common/error-mapping";
import { checkContentType, readIngestBody } from "./ingest.body";

export function queryParam(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === "string" ? v : undefined;
}

/**
 * Every upload endpoint (/ingest/*): the INGEST scope, `precheck` (query
 * parameters, before the body is read), the content type, the raw body read
 * under the size limits (gzip allowed), then `run`; a client error answers
 * with its status and `{error: {code, message}}` (error-mapping.ts) and the
 * rest of an unread body is drained on a closing connection.
 */
export function uploadRoute(config: Config, logger: Logger, types: string[], run: (req: Request, body: Buffer) => Promise<unknown>, precheck?: (req: Request) => void) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (!hasScope(req.auth, Scope.INGEST)) {
        res.status(403).json({ error: { code: "FORBIDDEN", message: "This token does not have the INGEST scope" } });
        req.resume();
        return;
      }
      precheck?.(req);
      checkContentType(req, types);
      const body = await readIngestBody(req, { bodyLimit: config.ingestBodyLimit, compressedLimit: config.ingestCompressedLimit });
      res.status(200).json(await run(req, body));
    } catch (err) {
      const mapped = toHttpError(err);
      if (!mapped) { next(err); return; }
      if (!req.readableEnded) { res.setHeader("connection", "close"); req.resume(); }
      if (mapped.status >= 500) logger.error({ err }, "upload failed");
      res.status(mapped.status).json(mapped.body);
    }
  };
}
