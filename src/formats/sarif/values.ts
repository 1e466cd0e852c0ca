/** Narrowing helpers for untrusted JSON; own-property reads only, so "__proto__"/"constructor" keys stay inert. */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function get(o: unknown, key: string): unknown {
  return isObj(o) && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** A non-empty trimmed string or null. */
export function text(v: unknown): string | null {
  return typeof v === "string" && v.trim() !== "" ? v : null;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function posInt(v: unknown): number | null {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : null;
}

export function nonNegInt(v: unknown): number | null {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : null;
}

/** Numbers or numeric strings ("5.3"); anything else is null. */
export function num(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

/** The `.text` of a SARIF multiformatMessageString / message. */
export function msgText(v: unknown): string | null {
  return text(get(v, "text"));
}

export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

export function truncate(s: string, max: number): { value: string; truncated: boolean } {
  if (s.length <= max) return { value: s, truncated: false };
  return { value: s.slice(0, max - 1) + "…", truncated: true };
}

export function stringArray(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === "string");
}
