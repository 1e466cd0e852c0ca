import { NextFunction, Request, Response } from "express";
import { RateLimiter } from "../common/rate-limiter";
import { LimitExceededError } from "../common/errors";
import { withStatus } from "../plugins/query-limits.plugin";
import { RateLimits } from "../config";

export interface Limiters {
  requests: RateLimiter;
  cost: RateLimiter;
  authFailures: RateLimiter;
}

export function createLimiters(config: RateLimits): Limiters {
  return {
    requests: new RateLimiter(config.requestsPerMinute),
    cost: new RateLimiter(config.costPerMinute),
    authFailures: new RateLimiter(config.authFailuresPerMinute),
  };
}

export function tooMany(req: Request, res: Response, retryAfter: number, limit: string, message: string): void {
  res.status(429).set("Retry-After", String(retryAfter));
  if (req.path === "/graphql") res.json({ errors: [{ message, extensions: { code: "LIMIT_EXCEEDED", limit } }] });
  else res.json({ error: { code: "LIMIT_EXCEEDED", limit, message } });
}

/** Per-token request budget, after authentication (every authenticated endpoint). */
export function requestRateLimit(limiter: RateLimiter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.auth!.tokenId;
    if (limiter.take(key)) return next();
    const after = limiter.retryAfter(key);
    tooMany(req, res, after, "rateLimit", `Too many requests for this token: retry in ${after} s`);
  };
}

/** The per-token cost budget, as the cost plugin's onCost: refuses with 429 and Retry-After. */
export function costBudget(limiter: RateLimiter) {
  return (cost: number, tokenId: string | undefined): void => {
    if (!tokenId || limiter.take(tokenId, cost)) return;
    const after = limiter.retryAfter(tokenId, cost);
    throw withStatus(new LimitExceededError(`This token spent its query cost budget: retry in ${after} s`, "rateCost"), 429, { "retry-after": String(after) });
  };
}
