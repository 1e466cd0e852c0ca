/**
 * validatePriorityPolicy: turns an untrusted JSON value (from the database or
 * an admin mutation) into a PriorityPolicy, or throws an Error naming every
 * problem at once. Besides shape (no unknown or missing keys, finite
 * non-negative numbers), it enforces the properties the strategy's guarantees
 * rest on: integer discrete weights, the orderings the product promises
 * (CRITICAL > HIGH > …, active > unknown > inactive, runtime > development),
 * strictly decreasing level cut-offs, and a maximum attainable sum ≤ 100.
 */
import { Criticality, FindingCategory, Severity } from "../common/types";
import { PriorityPolicy, maxAttainableScore } from "./priority.policy";

type Leaf = "int" | "number" | "intOrNull";
interface Shape { [key: string]: Leaf | Shape }

const keysOf = (e: Record<string, string>): string[] => Object.values(e);
const recordOf = (keys: string[], leaf: Leaf): Shape => Object.fromEntries(keys.map((k) => [k, leaf]));

const POLICY_SHAPE: Shape = {
  version: "int",
  severity: recordOf(keysOf(Severity), "int"),
  cvss: { pointsPerCvssPoint: "number", assumedBySeverity: recordOf(keysOf(Severity), "number") },
  kev: { listed: "int", ransomware: "int" },
  epss: { maxPoints: "number" },
  secretValidity: { active: "int", unknown: "int", inactive: "int" },
  deployment: {
    deployed: "int", internetExposed: "int", sensitiveData: "int", production: "int",
    criticality: recordOf(keysOf(Criticality), "int"),
  },
  fixAvailable: "int",
  dependencyScope: { runtime: "int", unknown: "int", development: "int" },
  category: recordOf(keysOf(FindingCategory), "int"),
  sla: { days: recordOf(keysOf(Severity), "intOrNull"), overdueBase: "int", overduePerWeek: "number", overdueMax: "number" },
  levels: { P0: "int", P1: "int", P2: "int", P3: "int" },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkShape(value: unknown, shape: Shape, path: string, errors: string[]): void {
  if (!isPlainObject(value)) {
    errors.push(`${path || "policy"} must be an object`);
    return;
  }
  for (const key of Object.keys(value)) {
    if (!(key in shape)) errors.push(`unknown key ${path ? `${path}.` : ""}${key}`);
  }
  for (const [key, expected] of Object.entries(shape)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in value)) {
      errors.push(`missing key ${at}`);
      continue;
    }
    const v = value[key];
    if (typeof expected !== "string") {
      checkShape(v, expected, at, errors);
    } else if (expected === "intOrNull" && v === null) {
      continue;
    } else if (typeof v !== "number" || !Number.isFinite(v)) {
      errors.push(`${at} must be a finite number${expected === "intOrNull" ? " or null" : ""}`);
    } else if (v < 0) {
      errors.push(`${at} must not be negative (got ${v})`);
    } else if (expected !== "number" && !Number.isInteger(v)) {
      errors.push(`${at} must be an integer (got ${v})`);
    }
  }
}

/** Checks `values[i] > values[i+1]` (strict) or `>=` along the named keys. */
function checkOrder(obj: Record<string, number | null>, keys: string[], strict: boolean, path: string, errors: string[]): void {
  for (let i = 0; i + 1 < keys.length; i++) {
    const a = obj[keys[i]];
    const b = obj[keys[i + 1]];
    if (a === null || b === null) continue;
    if (strict ? !(a > b) : !(a >= b)) {
      errors.push(`${path}.${keys[i]} (${a}) must be ${strict ? ">" : ">="} ${path}.${keys[i + 1]} (${b})`);
    }
  }
}

function checkSemantics(p: PriorityPolicy, errors: string[]): void {
  const sev = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO];
  checkOrder(p.severity, sev, true, "severity", errors);
  checkOrder(p.cvss.assumedBySeverity, sev, false, "cvss.assumedBySeverity", errors);
  for (const [k, v] of Object.entries(p.cvss.assumedBySeverity)) {
    if (v > 10) errors.push(`cvss.assumedBySeverity.${k} must be within 0..10 (got ${v})`);
  }
  checkOrder(p.secretValidity, ["active", "unknown", "inactive"], false, "secretValidity", errors);
  if (!(p.secretValidity.active > p.secretValidity.inactive)) {
    errors.push("secretValidity.active must be > secretValidity.inactive");
  }
  checkOrder(p.dependencyScope, ["runtime", "unknown", "development"], false, "dependencyScope", errors);
  if (!(p.dependencyScope.runtime > p.dependencyScope.development)) {
    errors.push("dependencyScope.runtime must be > dependencyScope.development");
  }
  checkOrder(p.deployment.criticality, ["CRITICAL", "HIGH", "MEDIUM", "LOW"], false, "deployment.criticality", errors);
  // An SLA for a milder severity must not be shorter than for a worse one.
  const days = sev.map((s) => p.sla.days[s]).filter((d): d is number => d !== null);
  if (days.some((d, i) => i > 0 && d < days[i - 1])) {
    errors.push(`sla.days must not get shorter for a milder severity (got ${days.join(", ")})`);
  }
  if (p.sla.overdueMax < p.sla.overdueBase) errors.push("sla.overdueMax must be >= sla.overdueBase");
  checkOrder(p.levels, ["P0", "P1", "P2", "P3"], true, "levels", errors);
  for (const [k, v] of Object.entries(p.levels)) {
    if (v < 1 || v > 100) errors.push(`levels.${k} must be within 1..100 (got ${v})`);
  }
  const max = maxAttainableScore(p);
  if (max > 100) {
    errors.push(`the largest attainable score is ${max}; weights must sum to at most 100 so distinct findings never clamp to the same score`);
  }
}

/** Returns the value typed as a PriorityPolicy, or throws an Error listing every problem. */
export function validatePriorityPolicy(p: unknown): PriorityPolicy {
  const errors: string[] = [];
  checkShape(p, POLICY_SHAPE, "", errors);
  if (errors.length === 0) checkSemantics(p as PriorityPolicy, errors);
  if (errors.length > 0) {
    throw new Error(`invalid priority policy: ${errors.join("; ")}`);
  }
  return p as PriorityPolicy;
}
