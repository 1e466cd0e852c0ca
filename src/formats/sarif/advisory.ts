import { arr, get, num, str, text } from "./values";

export interface PackageInfo {
  name: string | null;
  version: string | null;
  fixed: string | null;
}

const NAME_KEYS = ["packageName", "package_name", "pkgName", "PkgName", "package-name", "package", "componentName"];
const VERSION_KEYS = ["installedVersion", "InstalledVersion", "installed_version", "packageVersion", "package_version", "pkgVersion", "componentVersion"];
const FIXED_KEYS = ["fixedVersion", "FixedVersion", "fixed_version", "fixVersion", "fix_version", "fixed-version", "fixedIn"];

function firstString(bags: unknown[], keys: string[]): string | null {
  for (const bag of bags) {
    for (const k of keys) {
      const v = get(bag, k);
      const s = typeof v === "string" ? v.trim() : Array.isArray(v) && typeof v[0] === "string" ? v[0].trim() : "";
      if (s) return s;
    }
  }
  return null;
}

function line(message: string, label: string): string | null {
  const m = new RegExp(`^${label}:[ \\t]*(.*?)[ \\t]*$`, "mi").exec(message);
  return m && m[1] ? m[1] : null;
}

/**
 * Package coordinates for vulnerability results. Trivy writes them only into the message
 * ("Package: x / Installed Version: y / Fixed Version: z") and the location message ("target: x@y").
 */
export function extractPackage(result: unknown, message: string, bags: unknown[]): PackageInfo {
  let name = firstString(bags, NAME_KEYS) ?? line(message, "Package");
  let version = firstString(bags, VERSION_KEYS) ?? line(message, "Installed Version");
  const fixed = firstString(bags, FIXED_KEYS) ?? line(message, "Fixed Version");
  if (name === null || version === null) {
    const locMsg = text(get(get(arr(get(result, "locations"))[0], "message"), "text"));
    const m = locMsg ? /(?:^|:\s*)([^\s:@]+)@([^\s@]+)\s*$/.exec(locMsg) : null;
    if (m) {
      name = name ?? m[1];
      version = version ?? m[2];
    }
  }
  return { name, version, fixed };
}

export interface Cvss {
  score: number | null;
  vector: string | null;
}

/** CVSS v3 (then v2) score and vector from result/rule properties (Trivy's cvssv3_* keys and common variants). */
export function extractCvss(bags: unknown[]): Cvss {
  const variants: [string[], string[]][] = [
    [["cvssv3_baseScore", "cvssV3_baseScore", "cvss3Score", "cvssScore", "cvss_score"], ["cvssv3_vector", "cvssV3_vector", "cvss3Vector", "cvssVector", "cvss_vector"]],
    [["cvssv2_score", "cvssV2_score", "cvss2Score"], ["cvssv2_vector", "cvssV2_vector", "cvss2Vector"]],
  ];
  for (const [scoreKeys, vectorKeys] of variants) {
    for (const bag of bags) {
      const score = scoreKeys.map((k) => num(get(bag, k))).find((v) => v !== null && v >= 0 && v <= 10) ?? null;
      const vector = vectorKeys.map((k) => str(get(bag, k))).find((v) => v) ?? null;
      if (score !== null || vector !== null) return { score, vector };
    }
  }
  for (const bag of bags) {
    const cvss = get(bag, "cvss");
    const score = num(get(cvss, "score")) ?? num(get(cvss, "baseScore"));
    const vector = str(get(cvss, "vector")) ?? str(get(cvss, "vectorString"));
    if (score !== null || vector !== null) return { score, vector };
  }
  return { score: null, vector: null };
}
