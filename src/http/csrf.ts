import { NextFunction, Request, Response } from "express";

const GRAPHQL_TYPES = new Set(["application/json", "application/graphql-response+json"]);

/**
 * POST /graphql takes JSON only. Form encodings (urlencoded, multipart,
 * text/plain) are what a cross-site <form> can send without a preflight, so
 * they are refused outright (415) whatever else the request carries.
 */
export function graphqlContentType(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== "POST") return next();
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (GRAPHQL_TYPES.has(type)) return next();
  res.status(415).json({ errors: [{ message: "POST /graphql takes Content-Type: application/json", extensions: { code: "BAD_USER_INPUT" } }] });
}

/**
 * WebSocket upgrades are not covered by CORS, so the Origin is checked here.
 * With an allow-list (ALLOWED_ORIGINS) only those origins pass; without, a
 * request without Origin (a server-side client) or from the same host passes.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[] | null): boolean {
  if (!origin) return true;
  if (allowed) return allowed.includes("*") || allowed.includes(origin);
  try {
    return !!host && new URL(origin).host === host;
  } catch {
    return false;
  }
}
