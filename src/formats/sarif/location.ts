import { IngestInputError, MAX_SNIPPET_CHARS } from "./types";
import { get, isObj, nonNegInt, posInt, str, truncate } from "./values";
import { Warnings } from "./warnings";

/** How a run's uriBaseIds map onto the repository. */
export interface UriBases {
  /** Repository-relative prefix for each base id ("" when the base is the repository root). */
  rel: Map<string, string>;
  /** Absolute (file:) bases, normalized, longest first, with their repository-relative prefix. */
  absolute: { abs: string; rel: string }[];
}

export interface RunLocationContext {
  artifacts: unknown[];
  bases: UriBases;
  /** uriBaseId + uri → path; real logs report many results per file. */
  pathCache: Map<string, string | null>;
  warnings: Warnings;
  run: string;
}

export interface ResolvedLocation {
  path: string | null;
  startLine: number | null;
  endLine: number | null;
  startColumn: number | null;
  endColumn: number | null;
  snippet: string | null;
  snippetTruncated: boolean;
}

const NO_LOCATION: ResolvedLocation = {
  path: null, startLine: null, endLine: null, startColumn: null, endColumn: null, snippet: null, snippetTruncated: false,
};

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;
const DRIVE = /^\/?([a-zA-Z]):\//;
const PLACEHOLDER = /^(%[A-Za-z0-9_]+%|\$\([A-Za-z0-9_]+\))[\\/]*/;
// Base ids that conventionally name the checkout root; an absolute one anchors relative bases.
const ROOT_NAMES = ["SRCROOT", "%SRCROOT%", "ROOTPATH", "REPOROOT", "REPO_ROOT", "PROJECTROOT", "WORKSPACE"];

/** Absolute file URI or drive path → "c:/dir/" style key (decoded, '/' separators, trailing '/'); null if relative. */
function absoluteKey(uri: string): string | null {
  let s = uri.replace(/\\/g, "/");
  const scheme = SCHEME.exec(s);
  if (scheme && scheme[1].toLowerCase() === "file") {
    s = s.slice(5).replace(/^\/\/[^/]*/, ""); // drop "//host"
  } else if (!DRIVE.test(s) && !s.startsWith("/")) {
    return null;
  }
  s = safeDecode(s).replace(/\/{2,}/g, "/");
  const drive = DRIVE.exec(s);
  if (drive) s = drive[1].toLowerCase() + ":/" + s.slice(drive[0].length);
  return s.endsWith("/") ? s : s + "/";
}

export function buildUriBases(originalUriBaseIds: unknown): UriBases {
  const defs = isObj(originalUriBaseIds) ? originalUriBaseIds : {};
  const abs = new Map<string, string>();
  const rel = new Map<string, string>();
  const resolving = new Set<string>();

  const resolve = (id: string): { abs?: string; rel?: string } => {
    if (abs.has(id)) return { abs: abs.get(id) };
    if (rel.has(id)) return { rel: rel.get(id) };
    const def = get(defs, id);
    const uri = str(get(def, "uri"));
    if (!uri || resolving.has(id)) return { rel: "" }; // undefined base: the repository root
    resolving.add(id);
    const key = absoluteKey(uri);
    let out: { abs?: string; rel?: string };
    if (key) out = { abs: key };
    else {
      const parentId = str(get(def, "uriBaseId"));
      const parent = parentId ? resolve(parentId) : { rel: "" };
      const piece = safeDecode(uri.replace(/\\/g, "/"));
      out = parent.abs !== undefined ? { abs: absoluteKey(parent.abs + piece) ?? parent.abs } : { rel: joinRel(parent.rel ?? "", piece) };
    }
    resolving.delete(id);
    if (out.abs !== undefined) abs.set(id, out.abs);
    else rel.set(id, out.rel ?? "");
    return out;
  };
  for (const id of Object.keys(defs)) resolve(id);

  // The checkout root is the conventionally named absolute base, else the shortest one.
  const absList = [...abs.entries()];
  const named = absList.find(([id]) => ROOT_NAMES.includes(id.toUpperCase()));
  const root = named?.[1] ?? absList.map(([, a]) => a).sort((a, b) => a.length - b.length)[0];
  const absolute: { abs: string; rel: string }[] = [];
  for (const [id, a] of absList) {
    const r = root && a.startsWith(root) ? a.slice(root.length) : "";
    rel.set(id, r);
    absolute.push({ abs: a, rel: r });
  }
  absolute.sort((x, y) => y.abs.length - x.abs.length);
  return { rel, absolute };
}

function joinRel(prefix: string, piece: string): string {
  if (!prefix) return piece;
  return prefix.endsWith("/") ? prefix + piece : prefix + "/" + piece;
}

function safeDecode(s: string): string {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

/** Collapse '.', '', and '..' segments; a '..' that climbs above the root refuses the upload. */
export function normalizeRelativePath(p: string, where: string): string | null {
  if (hasControlChar(p)) throw new IngestInputError("INVALID_PATH", `${where}: path contains control characters`);
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, "/").split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) throw new IngestInputError("INVALID_PATH", `${where}: path '${p}' escapes the repository root`);
      out.pop();
    } else out.push(seg);
  }
  return out.length ? out.join("/") : null;
}

/** Repository-relative path for an artifactLocation, or null when it names no file in the checkout. */
export function resolveArtifactPath(artifactLocation: unknown, ctx: RunLocationContext, where: string): string | null {
  let uri = str(get(artifactLocation, "uri"));
  let baseId = str(get(artifactLocation, "uriBaseId"));
  const index = nonNegInt(get(artifactLocation, "index"));
  if (index !== null) {
    const artifact = ctx.artifacts[index];
    if (!isObj(artifact)) {
      ctx.warnings.count(`${ctx.run}:dangling-artifact`, (n) =>
        `${ctx.run}: ${n} location(s) use an artifactLocation.index with no matching run.artifacts entry; their uri was used instead`);
    } else if (uri === null) {
      const loc = get(artifact, "location");
      uri = str(get(loc, "uri"));
      baseId = baseId ?? str(get(loc, "uriBaseId"));
    }
  }
  if (uri === null || uri.trim() === "") return null;
  const cacheKey = `${baseId ?? ""}\u0000${uri}`;
  const cached = ctx.pathCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const path = uriToPath(uri.trim().replace(PLACEHOLDER, ""), baseId, ctx, where);
  ctx.pathCache.set(cacheKey, path);
  return path;
}

function uriToPath(uri: string, baseId: string | null, ctx: RunLocationContext, where: string): string | null {

  const scheme = SCHEME.exec(uri);
  if (scheme && scheme[1].toLowerCase() !== "file" && !DRIVE.test(uri)) {
    ctx.warnings.count(`${ctx.run}:non-file-uri`, (n, s) =>
      `${ctx.run}: ${n} distinct location URI(s) use a non-file scheme (${s.join(", ")}); stored without a path`, scheme[1]);
    return null;
  }
  const absKey = absoluteKey(uri);
  if (absKey === null) {
    const prefix = baseId ? ctx.bases.rel.get(baseId) ?? "" : "";
    return normalizeRelativePath(joinRel(prefix, safeDecode(uri.replace(/\\/g, "/"))), where);
  }
  const file = absKey.slice(0, -1); // absoluteKey adds a trailing '/'
  // Drive-letter paths are Windows paths, which compare case-insensitively.
  const fold = (s: string) => (/^[a-z]:\//.test(s) ? s.toLowerCase() : s);
  for (const base of ctx.bases.absolute) {
    if (fold(file).startsWith(fold(base.abs))) return normalizeRelativePath(joinRel(base.rel, file.slice(base.abs.length)), where);
  }
  ctx.warnings.count(`${ctx.run}:absolute-uri`, (n, s) =>
    `${ctx.run}: ${n} distinct absolute URI(s) lie outside every originalUriBaseIds base (e.g. ${s.join(", ")}); drive/scheme stripped to form a relative path`, uri);
  return normalizeRelativePath(file.replace(/^[a-z]:\//, ""), where);
}

/** Primary location of a result: the first entry of `locations`. */
export function resolveLocation(result: unknown, ctx: RunLocationContext, where: string): ResolvedLocation {
  const locations = get(result, "locations");
  if (locations !== undefined && locations !== null && !Array.isArray(locations)) {
    throw new IngestInputError("INVALID_SARIF", `${where}.locations: must be an array, got ${typeof locations}`);
  }
  const first = Array.isArray(locations) ? locations[0] : undefined;
  if (first !== undefined && !isObj(first)) {
    throw new IngestInputError("INVALID_SARIF", `${where}.locations[0]: must be an object`);
  }
  const physical = get(first, "physicalLocation");
  const artifactLocation = get(physical, "artifactLocation");
  const path = artifactLocation === undefined ? null
    : resolveArtifactPath(artifactLocation, ctx, `${where}.locations[0].physicalLocation.artifactLocation.uri`);
  if (path === null) {
    ctx.warnings.count(`${ctx.run}:no-location`, (n) => `${ctx.run}: ${n} result(s) have no file location; ingested with path null`);
    return NO_LOCATION;
  }
  const region = get(physical, "region");
  const startLine = posInt(get(region, "startLine"));
  const snippetRaw = str(get(get(region, "snippet"), "text"));
  const snippet = snippetRaw === null ? null : truncate(snippetRaw, MAX_SNIPPET_CHARS);
  return {
    path,
    startLine,
    // SARIF §3.30.7: an absent endLine defaults to startLine.
    endLine: posInt(get(region, "endLine")) ?? startLine,
    startColumn: posInt(get(region, "startColumn")),
    endColumn: posInt(get(region, "endColumn")),
    snippet: snippet?.value ?? null,
    snippetTruncated: snippet?.truncated ?? false,
  };
}
