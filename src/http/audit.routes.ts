import { NextFunction, Request, Response, Router } from "express";
import { requireUnrestricted, hasScope } from "../common/auth";
import { Scope } from "../common/types";
import { Services } from "../composition";
import { redactSecrets } from "../common/redact";

/** GET /audit/export?since=<ISO time>: the audit log as NDJSON, oldest first (admin tokens not limited to organizations). */
export function auditRoutes(services: Services): Router {
  const router = Router();
  router.get("/audit/export", async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (!hasScope(req.auth, Scope.ADMIN)) { res.status(403).json({ error: { code: "FORBIDDEN", message: "This token lacks the admin scope" } }); return; }
      try { requireUnrestricted(req.auth!); } catch (e) { res.status(403).json({ error: { code: "FORBIDDEN", message: (e as Error).message } }); return; }
      const sinceText = typeof req.query.since === "string" ? req.query.since : "";
      const since = sinceText ? new Date(sinceText) : new Date(Date.now() - 24 * 3600_000);
      if (Number.isNaN(since.getTime())) { res.status(400).json({ error: { code: "BAD_USER_INPUT", message: "since: an ISO 8601 time" } }); return; }
      services.audit.record({
        tokenId: req.auth!.tokenId, tokenName: req.auth!.tokenName, kind: "GET /audit/export", operation: null, fields: [],
        variables: redactSecrets({ since: since.toISOString() }) as Record<string, unknown>, remoteAddress: req.socket.remoteAddress ?? null, result: "ok", requestId: req.requestId,
      });
      await services.audit.flush();
      res.status(200).type("application/x-ndjson");
      for await (const rows of services.audit.export(since)) {
        const chunk = rows.map((a) => JSON.stringify({
          id: a.nodeId, at: a.at.toISOString(), tokenId: a.tokenNodeId, tokenName: a.tokenName, kind: a.kind, operation: a.operation,
          fields: a.fields, variables: a.variables, remoteAddress: a.remoteAddress, result: a.result, requestId: a.requestId,
        })).join("\n") + "\n";
        if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
      }
      res.end();
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/**
 * Audits non-GraphQL writes (POST/PUT/PATCH/DELETE on /ingest/* and the
 * like) once answered: who, method and path, query parameters, status.
 * GraphQL is audited by its plugin, with operation detail.
 */
export function auditHttpWrites(services: Services) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || req.path === "/graphql") return next();
    res.on("finish", () => {
      services.audit.record({
        tokenId: req.auth?.tokenId ?? null, tokenName: req.auth?.tokenName ?? null, kind: `${req.method} ${req.path}`.slice(0, 200), operation: null, fields: [],
        variables: Object.keys(req.query).length ? redactSecrets(req.query) as Record<string, unknown> : null,
        remoteAddress: req.socket.remoteAddress ?? null, result: res.statusCode < 400 ? "ok" : `HTTP_${res.statusCode}`, requestId: req.requestId,
      });
    });
    next();
  };
}
