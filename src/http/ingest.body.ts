import { Request } from "express";
import zlib from "node:zlib";
import { IngestInputError } from "../formats";

/** Media types accepted per upload format. */
export const SARIF_TYPES = ["application/json", "application/sarif+json"];
export const CYCLONEDX_TYPES = ["application/json", "application/vnd.cyclonedx+json"];

export function checkContentType(req: Request, accepted: string[]): void {
  const raw = req.headers["content-type"] ?? "";
  const type = raw.split(";")[0].trim().toLowerCase();
  if (!accepted.includes(type)) {
    throw new IngestInputError("UNSUPPORTED_MEDIA_TYPE", `Content-Type must be ${accepted.join(" or ")}, got "${raw.slice(0, 100) || "none"}"`, 415);
  }
}

export interface BodyLimits {
  /** Decoded body, bytes. */
  bodyLimit: number;
  /** Body as sent when Content-Encoding is gzip, bytes. */
  compressedLimit: number;
}

/**
 * Reads the raw request body with a size cap, then inflates gzip with a cap on
 * the inflated size (a gzip bomb stops at the limit, it is never fully inflated).
 */
export async function readIngestBody(req: Request, limits: BodyLimits): Promise<Buffer> {
  const encoding = String(req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    throw new IngestInputError("UNSUPPORTED_MEDIA_TYPE", `Content-Encoding must be gzip or identity, got "${encoding.slice(0, 40)}"`, 415);
  }
  const gzip = encoding !== "identity";
  const cap = gzip ? limits.compressedLimit : limits.bodyLimit;
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > cap) throw tooLarge(gzip ? "compressed " : "", cap);
  const raw = await readCapped(req, cap, gzip);
  if (!gzip) return raw;
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      zlib.gunzip(raw, { maxOutputLength: limits.bodyLimit }, (err, out) => (err ? reject(err) : resolve(out))));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) throw tooLarge("decompressed ", limits.bodyLimit);
    throw new IngestInputError("INVALID_GZIP", `The body is not valid gzip: ${e.message}`);
  }
}

function tooLarge(what: string, limit: number): IngestInputError {
  return new IngestInputError("TOO_LARGE", `The ${what}request body is over the ${limit} byte limit`, 413);
}

function readCapped(req: Request, cap: number, gzip: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > cap) {
        done = true;
        chunks.length = 0;
        req.off("data", onData);
        req.resume(); // drain what is left without keeping it
        reject(tooLarge(gzip ? "compressed " : "", cap));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => { if (!done) { done = true; resolve(Buffer.concat(chunks, size)); } });
    req.once("error", (err) => { if (!done) { done = true; reject(err); } });
  });
}
