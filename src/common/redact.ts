/** Keys whose values are secrets wherever they appear (variables, query parameters, log objects). */
const SECRET_KEY = /(token|secret|password|passwd|credential|authorization|private.?key|api.?key|cookie|sarif|^bom$)/i;

export const REDACTED = "[redacted]";

/**
 * A copy of `value` with every secret-named key's value replaced, at any
 * depth. Bounded in depth and size so a hostile payload cannot make the
 * audit log or a log line huge. (`sarif` and `bom` documents are dropped for size, not secrecy.)
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") {
    return typeof value === "string" && value.length > 2000 ? value.slice(0, 2000) + "…" : value;
  }
  if (depth >= 8) return "[truncated]";
  if (Array.isArray(value)) {
    const items = value.slice(0, 100).map((v) => redactSecrets(v, depth + 1));
    return value.length > 100 ? [...items, `… ${value.length - 100} more`] : items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 100)) {
    out[k] = SECRET_KEY.test(k) ? REDACTED : redactSecrets(v, depth + 1);
  }
  return out;
}
