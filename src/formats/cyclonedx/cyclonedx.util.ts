import { severityFromLabel, severityFromScore, rankOf, Severity, arr, get, num, str, text } from "../sarif";

export interface Purl {
  type: string;
  namespace: string | null;
  name: string;
  version: string | null;
}

const dec = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export function parsePurl(p: string): Purl | null {
  if (!p.startsWith("pkg:")) return null;
  const body = p.slice(4).replace(/^\/+/, "").split("#")[0].split("?")[0];
  const at = body.lastIndexOf("@");
  const path = at > 0 ? body.slice(0, at) : body;
  const version = at > 0 ? dec(body.slice(at + 1)) : null;
  const segs = path.split("/").filter(Boolean);
  if (segs.length < 2) return null;
  return {
    type: segs[0].toLowerCase(),
    namespace: segs.length > 2 ? segs.slice(1, -1).map(dec).join("/") : null,
    name: dec(segs[segs.length - 1]),
    version: version || null,
  };
}

// Ecosystems whose purl namespace is a distro/vendor, not part of the package's own name.
const NAME_ONLY = new Set(["deb", "rpm", "apk", "alpm", "pypi", "nuget", "gem", "cargo", "hex", "pub", "cocoapods", "conda", "cran"]);

/** The name a developer would search for: "group:artifact" for Maven, "@scope/name" for npm, "adduser" for deb. */
export function purlPackageName(p: Purl): string {
  if (!p.namespace || NAME_ONLY.has(p.type)) return p.name;
  if (p.type === "maven" || p.type === "gradle") return `${p.namespace}:${p.name}`;
  return `${p.namespace}/${p.name}`;
}

/** Dotted numeric versions only ("2.10.5.1", "v1.2"); null when the scheme is unknown (deb/rpm epochs etc.). */
function parts(v: string): number[] | null {
  const m = /^v?(\d+(?:\.\d+)*)$/.exec(v.trim());
  return m ? m[1].split(".").map(Number) : null;
}

export function compareVersions(a: string, b: string): number | null {
  const x = parts(a), y = parts(b);
  if (!x || !y) return null;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** "Upgrade x to version 2.6.7.4, 2.9.10.7, 2.10.5.1 or higher." → the listed fix on the installed line. */
export function fixedFromRecommendation(recommendation: string | null, installed: string | null): string | null {
  if (!recommendation) return null;
  const candidates = recommendation.match(/\b\d+(?:\.\d+)+\b/g) ?? [];
  if (candidates.length === 0) return null;
  if (!installed || !parts(installed)) return candidates.length === 1 ? candidates[0] : null;
  const usable = candidates.filter((c) => (compareVersions(c, installed) ?? -1) > 0);
  usable.sort((a, b) => compareVersions(a, b) ?? 0);
  return usable[0] ?? null;
}

export interface VersionClaim {
  version: string | null;
  range: string | null;
  status: string | null;
}

export function versionClaims(affect: unknown): VersionClaim[] {
  return arr(get(affect, "versions")).map((v) => ({ version: text(get(v, "version")), range: text(get(v, "range")), status: str(get(v, "status")) }));
}

/** Highest version a claim covers; null if unbounded above or not comparable. */
function upperBound(c: VersionClaim): string | null {
  if (c.version) return parts(c.version) ? c.version : null;
  if (!c.range) return null;
  const constraints = c.range.replace(/^vers:[^/]+\//, "").split("|").map((s) => s.trim());
  const uppers = constraints.map((s) => /^(<=|<)\s*(.+)$/.exec(s)?.[2] ?? null).filter((u): u is string => u !== null && parts(u) !== null);
  return uppers.sort((a, b) => compareVersions(b, a) ?? 0)[0] ?? null;
}

/**
 * VEX inference: the lowest explicitly unaffected (or resolved) version above every affected
 * version. Null unless every affected claim has a comparable upper bound.
 */
export function inferFixedVersion(affected: VersionClaim[], fixedCandidates: string[]): string | null {
  if (affected.length === 0) return null;
  let max: string | null = null;
  for (const c of affected) {
    const u = upperBound(c);
    if (u === null) return null;
    if (max === null || (compareVersions(u, max) ?? 0) > 0) max = u;
  }
  const above = fixedCandidates.filter((v) => parts(v) && (compareVersions(v, max as string) ?? -1) > 0);
  above.sort((a, b) => compareVersions(a, b) ?? 0);
  return above[0] ?? null;
}

export interface Rating {
  score: number | null;
  severity: Severity;
  vector: string | null;
  method: string | null;
}

function toRating(r: unknown): Rating | null {
  const score = num(get(r, "score"));
  const label = str(get(r, "severity"));
  const fromLabel = label ? severityFromLabel(label) : null;
  const severity = score !== null && score >= 0 && score <= 10 ? severityFromScore(score) : fromLabel;
  if (!severity) return null;
  return { score: score !== null && score >= 0 && score <= 10 ? score : null, severity, vector: text(get(r, "vector")), method: str(get(r, "method")) };
}

/**
 * A 0.0 / "none" rating next to real ones is a vendor's contextual override (CycloneDX VEX example),
 * not the vulnerability's severity; suppression comes from analysis.state instead. The most severe
 * real rating wins; ties prefer a rating with a score.
 */
export function bestRating(ratings: unknown[]): Rating | null {
  const all = ratings.map(toRating).filter((r): r is Rating => r !== null);
  const real = all.filter((r) => !(r.severity === Severity.INFO && (r.score === null || r.score === 0)));
  const pool = real.length ? real : all;
  let best: Rating | null = null;
  for (const r of pool) {
    if (!best || rankOf(r.severity) > rankOf(best.severity)
      || (rankOf(r.severity) === rankOf(best.severity) && (r.score ?? -1) > (best.score ?? -1))) best = r;
  }
  return best;
}
