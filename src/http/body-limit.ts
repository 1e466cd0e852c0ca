import { NextFunction, Request, Response } from "express";

/**
 * Refuses a body whose declared Content-Length is over `limit` at once (413),
 * before any of it is read, and closes the connection. body-parser would
 * otherwise read the whole declared body off the socket before answering, so a
 * client declaring 50 MB and sending slowly would hold the connection for the
 * server's request timeout. (A chunked body is cut by body-parser at the limit:
 * memory stays bounded, the connection drains.)
 */
export function declaredBodyLimit(limit: number, body: (limit: number) => unknown) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (!(declared > limit)) return next();
    res.status(413).set("Connection", "close").json(body(limit));
    res.on("finish", () => req.socket.destroySoon?.());
  };
}
