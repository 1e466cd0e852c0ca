import crypto from "node:crypto";
import { NextFunction, Request, Response } from "express";
import { AuthInfo } from "../common/auth";
import { TokenService } from "../access";
import { RateLimiter } from "../common/rate-limiter";
import { tooMany } from "./rate-limit";

declare module "express-serve-static-core" {
  interface Request {
    auth?: AuthInfo;
    requestId: string;
    /** The database snapshot the token lookup saw (response cache key). */
    snapshot?: string;
  }
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/**
 * Every route behind this needs a valid bearer token; otherwise 401 and
 * nothing runs. An address that presented too many bad tokens gets 429 before
 * any lookup (guessing tokens is hopeless at 256 bits, but it costs queries).
 */
export function requireToken(tokens: TokenService, failures?: RateLimiter) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const address = req.socket.remoteAddress ?? "unknown";
      const wait = failures?.retryAfter(address) ?? 0;
      if (wait > 0) {
        tooMany(req, res, wait, "authFailures", `Too many failed authentication attempts from this address: retry in ${wait} s`);
        return;
      }
      const token = bearerToken(req.headers.authorization);
      const verified = token ? await tokens.verifyAt(token) : null;
      if (!verified) {
        if (token) failures?.charge(address);
        res.status(401).set("WWW-Authenticate", 'Bearer realm="posturegraph"');
        const message = token ? "The API token is invalid, expired or revoked" : "Authorization: Bearer <token> is required";
        if (req.path === "/graphql") res.json({ errors: [{ message, extensions: { code: "UNAUTHENTICATED" } }] });
        else res.json({ error: { code: "UNAUTHENTICATED", message } });
        return;
      }
      req.auth = verified.auth;
      req.snapshot = verified.snapshot;
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers["x-request-id"];
  req.requestId = typeof given === "string" && /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID();
  res.setHeader("x-request-id", req.requestId);
  next();
}
