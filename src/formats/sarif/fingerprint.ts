import { hash } from "node:crypto";
import { get, isObj } from "./values";

// gitleaks (and others) put commit metadata, not hashes, in partialFingerprints: identity must not
// depend on who committed, and author/email are PII we have no reason to keep.
const METADATA_KEY = /commit|author|email|date|time|message|user|committer|branch|ref$|name$|line$|column$/i;
const HASH_VALUE = /^[A-Za-z0-9+/=_:.-]{8,512}$/;
const FINGERPRINT_KEY = /hash|fingerprint|matchbased|\bid\b|\/v\d+$/i;

// crypto.hash (Node >= 20.12) is the one-shot form: ~4x cheaper than createHash per finding.
function sha256(parts: string[]): string {
  return hash("sha256", parts.join("\u0000"), "hex");
}

/** The identity-bearing entries of a (partial)fingerprints bag, sorted by key; [] when none qualify. */
export function usableFingerprintEntries(bag: unknown): [string, string][] {
  if (!isObj(bag)) return [];
  const entries: [string, string][] = [];
  let hasHash = false;
  for (const key of Object.keys(bag).sort()) {
    const v = get(bag, key);
    if (typeof v !== "string" || v === "" || /\s/.test(v) || METADATA_KEY.test(key)) continue;
    if (HASH_VALUE.test(v) && /\d/.test(v)) hasHash = true;
    else if (!FINGERPRINT_KEY.test(key) || v.length > 512) continue;
    entries.push([key, v]);
  }
  return hasHash ? entries : [];
}

export interface FingerprintInput {
  ruleId: string;
  partialFingerprints: unknown;
  fingerprints: unknown;
  /** Set for CONTAINER/DEPENDENCY findings: identity is the package, not the text. */
  packageKey: { name: string; version: string | null; target: string | null } | null;
  path: string | null;
  snippet: string | null;
  message: string;
}

/** Line-number-looking digits ("line 42", "foo.js:42:7", "L42") are dropped so moved code keeps its identity. */
export function stripLineNumbers(message: string): string {
  return message
    .replace(/\b(lines?|ln|row)\s*[:#]?\s*\d+(\s*[-–]\s*\d+)?/gi, "$1 #")
    .replace(/(\.[A-Za-z0-9]{1,6}|\w)[:(]\d+(?::\d+)?\)?/g, "$1:#")
    .replace(/\bL\d+(-L?\d+)?\b/g, "L#");
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

/**
 * Identity within (repository, analysis category). Never includes the line number: a finding must
 * keep its identity when code above it moves. Values are hashed so every fingerprint is a fixed
 * 64-hex digest behind a prefix naming its source ("pf:", "fp:", "h:").
 */
export function computeFingerprint(input: FingerprintInput): string {
  const partial = usableFingerprintEntries(input.partialFingerprints);
  if (partial.length) {
    // primaryLocationLineHash hashes only the line's text: the same line under another rule or in
    // another file is a different alert.
    return "pf:" + sha256([input.ruleId, input.path ?? "", ...partial.flat()]);
  }
  const full = usableFingerprintEntries(input.fingerprints);
  if (full.length) return "fp:" + sha256([input.ruleId, input.path ?? "", ...full.flat()]);
  if (input.packageKey) {
    const p = input.packageKey;
    return "h:" + sha256(["pkg", input.ruleId, p.name, p.version ?? "", p.target ?? input.path ?? ""]);
  }
  if (input.snippet !== null && collapse(input.snippet) !== "") {
    return "h:" + sha256(["snippet", input.ruleId, input.path ?? "", collapse(input.snippet)]);
  }
  return "h:" + sha256(["message", input.ruleId, input.path ?? "", collapse(stripLineNumbers(input.message))]);
}

export function hashParts(parts: string[]): string {
  return sha256(parts);
}

/**
 * Results that collide keep distinct identities by occurrence order (":2", ":3", …), so no result is
 * silently merged away. Deterministic as long as the tool emits results in a stable order.
 */
export function disambiguate<T extends { fingerprint: string }>(findings: T[]): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    const n = (seen.get(f.fingerprint) ?? 0) + 1;
    seen.set(f.fingerprint, n);
    if (n > 1) f.fingerprint = `${f.fingerprint}:${n}`;
  }
}
