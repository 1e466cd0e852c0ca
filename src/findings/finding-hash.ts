import { hash } from "node:crypto";
import type { FindingWrite } from "./finding-store.sql";

/** Fields whose change is material: it emits UPDATED (a re-sighting that changes none of them emits nothing). */
export const MATERIAL = [
  "severity", "ruleId", "title", "message", "path", "startLine", "endLine", "startColumn", "endColumn",
  "vulnerabilityId", "cvssScore", "packageVersion", "fixedVersion",
] as const satisfies readonly (keyof FindingWrite)[];

/**
 * A digest of everything a load compares to decide that a re-sighting is
 * unchanged: the material fields, the details, category, rule and tool
 * version. Stored with the finding (`content_hash`), so a load reads only the
 * narrow columns of its scope and the full rows of the findings whose digest
 * differs. Computed from the row as it is stored (strings made storable,
 * details with their keys in order), so the same report gives the same digest.
 */
export function contentHash(w: FindingWrite): string {
  // Every MATERIAL field, then the rest (finding-hash.test.ts changes each one and expects another digest).
  // One template string (not an array joined): this runs for every finding of every upload.
  const s = `${t(w.severity)}\u0001${t(w.ruleId)}\u0001${t(w.title)}\u0001${t(w.message)}\u0001${t(w.path)}\u0001${t(w.startLine)}\u0001${t(w.endLine)}\u0001${
    t(w.startColumn)}\u0001${t(w.endColumn)}\u0001${t(w.vulnerabilityId)}\u0001${t(w.cvssScore)}\u0001${t(w.packageVersion)}\u0001${t(w.fixedVersion)}\u0001${
    w.category}\u0001${t(w.ruleRefId)}\u0001${t(w.toolVersion)}\u0001${details(w.details)}`;
  // One-shot crypto.hash: a fifth of the cost of a createHash object per finding.
  return hash("sha1", s, "base64");
}

const details = (d: Record<string, unknown> | null | undefined): string => (!d || isEmpty(d) ? "{}" : canonical(d));

function isEmpty(o: object): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return false;
  return true;
}

// Both sides of a comparison come from a report, never from the database: plain String() is exact.
function t(v: unknown): string {
  return v === null || v === undefined ? "\u0002" : String(v);
}

/** JSON with object keys sorted (jsonb keeps its own key order, so equal documents may differ in JSON.stringify). */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
}
