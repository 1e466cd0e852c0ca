import { NextFunction, Request, Response, Router } from "express";
import { GraphQLError } from "graphql";
import { hasScope } from "../common/auth";
import { Scope } from "../common/types";
import { Services } from "../composition";
import { eventsDelivered } from "../common/metrics";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/**
 * GET /events?after=CURSOR&limit=N — the subscription's event log for polling
 * SIEMs: NDJSON lines {cursor, type, occurredAt, findingId, ocsf}, oldest first;
 * `X-Next-Cursor` is the cursor to pass next (unchanged when nothing was new).
 * Without `after`, from the oldest retained event.
 */
export function eventsRoutes(services: Services): Router {
  const router = Router();
  router.get("/events", async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (!hasScope(req.auth, Scope.READ)) {
        res.status(403).json({ error: { code: "FORBIDDEN", message: "This token does not have the READ scope" } });
        return;
      }
      const after = typeof req.query.after === "string" && req.query.after !== "" ? req.query.after : null;
      const rawLimit = req.query.limit;
      const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        res.status(400).json({ error: { code: "BAD_USER_INPUT", message: `limit must be an integer from 1 to ${MAX_LIMIT}` } });
        return;
      }
      const page = await services.events.page({ organizationIds: req.auth!.organizationIds }, after, limit);
      const nextCursor = page.events.length ? page.events[page.events.length - 1].cursor : after;
      res.status(200).type("application/x-ndjson");
      if (nextCursor) res.setHeader("X-Next-Cursor", nextCursor);
      res.setHeader("Cache-Control", "no-store");
      const lines = page.events.map((e) => JSON.stringify({ cursor: e.cursor, type: e.type, occurredAt: e.occurredAt.toISOString(), findingId: e.finding.nodeId, ocsf: e.ocsf() }) + "\n");
      eventsDelivered.inc({ transport: "http" }, lines.length);
      res.end(lines.join(""));
    } catch (err) {
      if (err instanceof GraphQLError && err.extensions?.code === "BAD_USER_INPUT") {
        res.status(400).json({ error: { code: "BAD_USER_INPUT", message: err.message } });
        return;
      }
      next(err);
    }
  });
  return router;
}
