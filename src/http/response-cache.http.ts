import { NextFunction, Request, Response } from "express";
import { cacheKey, queryHash, SnapshotCache } from "../plugins/response-cache.plugin";
import { graphqlOperations, responseCache } from "../common/metrics";

/**
 * The response cache's HTTP fast path (the cache itself: response-cache.plugin.ts).
 * A POST whose answer is cached for this token, document, operation, variables
 * and database snapshot is answered here with the stored JSON text, without
 * Apollo's pipeline (parse, validation, plugins, execution, serialization):
 * each of those ran when the entry was stored, for the same token and request,
 * and gave this answer. The cost budget is charged as if it ran; when it is
 * spent, or for anything unusual (GET, another Accept), the request goes on to
 * Apollo, which answers it in full.
 */
export function cachedResponses(cache: SnapshotCache, options: { ttlMs: number; charge: (cost: number, tokenId: string) => void; now?: () => number }) {
  const now = options.now ?? Date.now;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (options.ttlMs <= 0 || req.method !== "POST" || !req.snapshot || !req.auth) { next(); return; }
    const body = req.body as { query?: unknown; operationName?: unknown; variables?: unknown } | undefined;
    if (!body || typeof body.query !== "string" || (body.operationName != null && typeof body.operationName !== "string")) { next(); return; }
    const accept = req.headers.accept;
    if (accept && !/(^|,)\s*(application\/json|\*\/\*)/i.test(accept)) { next(); return; }
    const entry = cache.get(req.snapshot, cacheKey(req.auth.tokenId, queryHash(body.query), body.operationName as string | undefined, body.variables));
    if (!entry || now() - entry.at > options.ttlMs) { next(); return; }
    try {
      options.charge(entry.cost, req.auth.tokenId);
    } catch {
      next(); // over budget: Apollo gives the 429 and its error
      return;
    }
    responseCache.inc({ result: "hit" });
    graphqlOperations.inc({ type: "query", outcome: "ok" });
    res.status(200).setHeader("content-type", "application/json; charset=utf-8");
    res.end(entry.body);
  };
}
