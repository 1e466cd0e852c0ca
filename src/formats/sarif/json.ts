import { IngestInputError } from "./types";

const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22, BACKSLASH = 0x5c;

/**
 * Parse an uploaded body. Depth is checked on the raw bytes before JSON.parse runs, so a
 * hostile "[[[[…" body is refused without V8 building (or overflowing the stack on) the tree.
 * Scanning bytes is safe for UTF-8: multi-byte sequences never contain ASCII bytes.
 */
export function parseJsonSafely(buf: Buffer, opts: { maxDepth?: number } = {}): unknown {
  const maxDepth = opts.maxDepth ?? 64;
  if (!(buf instanceof Uint8Array)) {
    throw new IngestInputError("INVALID_JSON", "request body must be raw bytes");
  }
  if (buf.length === 0) throw new IngestInputError("INVALID_JSON", "request body is empty");
  checkDepth(buf, maxDepth);

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new IngestInputError("INVALID_JSON", "request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new IngestInputError("INVALID_JSON", `request body is not valid JSON: ${detail}`);
  }
}

function checkDepth(buf: Uint8Array, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        throw new IngestInputError("TOO_DEEP", `JSON nesting exceeds the maximum depth of ${maxDepth} (at byte ${i})`);
      }
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    }
  }
}
