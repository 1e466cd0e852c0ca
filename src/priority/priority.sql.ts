/**
 * The default strategy's score as one SQL expression over a finding row, so a
 * context change rescoring 100,000 findings is one UPDATE instead of reading
 * every row into JavaScript and writing it back.
 *
 * It must be the same number as DefaultPriorityStrategy.compute for every
 * input (priority.sql.test.ts compares both on random findings stored in a
 * database). That holds because every factor is a whole number computed by the
 * same IEEE double operations in the same order:
 * - a float column is read as JavaScript reads it: node-postgres parses the
 *   text output of a `real` (the shortest exact form, "9.8"), so SQL does
 *   `::text::float8` — `::float8` would give 9.800000190734863;
 * - Math.round is `jsRound` below (floor, then up when the fraction is ≥ ½:
 *   x − floor(x) is exact in doubles), not PostgreSQL's round();
 * - timestamps are truncated to milliseconds, as a JavaScript Date holds them;
 * - the sum of whole points is exact in any order, then clamped like compute().
 * The resource context (the most exposed resource, isProduction on its
 * environment) is not translated: JavaScript computes it once per repository
 * with the strategy's own function and passes the points in.
 */
import { deploymentPoints } from "./priority.factors";
import { PriorityPolicy } from "./priority.policy";
import type { PriorityLevel } from "../common/types";
import type { PrioritySql } from "./priority.types";
export type { PrioritySql, PrioritySqlRefs } from "./priority.types";



/** A policy number as a SQL literal (validated policies hold finite numbers only). */
function num(n: number): string {
  if (typeof n !== "number" || !Number.isFinite(n)) throw new Error(`priority SQL: not a finite number: ${n}`);
  return `(${String(n)})::float8`;
}
function int(n: number): string {
  if (!Number.isInteger(n)) throw new Error(`priority SQL: not an integer: ${n}`);
  return String(n);
}
const str = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** JavaScript's Math.round on a float8 expression. */
const jsRound = (x: string): string => `(floor(${x}) + CASE WHEN (${x}) - floor(${x}) >= 0.5 THEN 1 ELSE 0 END)`;
/** min(hi, max(lo, x)) as JavaScript's Math.min/Math.max on non-NaN values. */
const clamp = (x: string, lo: string, hi: string): string => `least(${hi}, greatest(${lo}, ${x}))`;
/** A `real` column as node-postgres hands it to JavaScript (null stays null). */
const jsFloat = (col: string): string => `(${col})::text::float8`;
/** A timestamptz as a JavaScript Date's milliseconds. */
const jsMs = (col: string): string => `floor(extract(epoch FROM ${col}) * 1000)`;
const finite = (x: string): string => `(${x} IS NOT NULL AND ${x} NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8))`;

function caseOf(column: string, values: Record<string, number | null>, otherwise: string, render: (n: number) => string = int): string {
  const arms = Object.entries(values).filter(([, v]) => v !== null).map(([k, v]) => `WHEN ${str(k)} THEN ${render(v as number)}`);
  return arms.length ? `(CASE ${column} ${arms.join(" ")} ELSE ${otherwise} END)` : otherwise;
}

export const defaultPrioritySql: PrioritySql = {
  resourcePoints: (resources, policy) => deploymentPoints(resources, policy),

  score(policy, { finding: f, intel: vi, resourcePoints, nowMs }) {
    const details = `${f}.details`;
    const cvss = jsFloat(`${f}.cvss_score`);
    const pp = num(policy.cvss.pointsPerCvssPoint);
    // baseFactors
    const severity = caseOf(`${f}.severity`, policy.severity, "0");
    const assumed = caseOf(`${f}.severity`, policy.cvss.assumedBySeverity, "NULL", num);
    const cvssPoints = `(CASE WHEN ${finite(cvss)} THEN ${jsRound(`${clamp(cvss, "0::float8", "10::float8")} * ${pp}`)} ELSE ${jsRound(`${assumed} * ${pp}`)} END)`;
    // exploitationFactors (vulnerability_intel holds KEV and EPSS of the finding's CVE)
    const epss = jsFloat(`${vi}.epss_score`);
    const kevPoints = `(CASE WHEN ${vi}.kev_date_added IS NOT NULL THEN ${int(policy.kev.listed)} + CASE WHEN ${vi}.kev_ransomware THEN ${int(policy.kev.ransomware)} ELSE 0 END ELSE 0 END)`;
    const epssPoints = `(CASE WHEN ${epss} IS NOT NULL THEN ${jsRound(`${num(policy.epss.maxPoints)} * sqrt(${clamp(epss, "0::float8", "1::float8")})`)} ELSE 0 END)`;
    // secretFactors, after PriorityService.input: a non-string or unknown validity is "not checked"
    const validity = `(CASE WHEN ${details}->>'secretValidity' IN ('active', 'inactive', 'unknown') AND jsonb_typeof(${details}->'secretValidity') = 'string'
                             THEN ${details}->>'secretValidity' WHEN ${f}.category = 'SECRET' THEN 'unknown' END)`;
    const secretPoints = caseOf(validity, policy.secretValidity, "0");
    // remediationFactors: fixAvailable is the boolean in details, else "a fixed version is known"
    const fix = `(CASE WHEN jsonb_typeof(${details}->'fixAvailable') = 'boolean' THEN (${details}->>'fixAvailable')::boolean
                       WHEN ${f}.fixed_version <> '' THEN true END)`;
    const fixPoints = `(CASE WHEN ${fix} THEN ${int(policy.fixAvailable)} ELSE 0 END)`;
    const scope = `(CASE WHEN ${details}->>'dependencyScope' IN ('runtime', 'development') AND jsonb_typeof(${details}->'dependencyScope') = 'string'
                          THEN ${details}->>'dependencyScope' WHEN ${f}.category IN ('DEPENDENCY', 'CONTAINER') THEN 'unknown' END)`;
    const scopePoints = caseOf(scope, policy.dependencyScope, "0");
    const categoryPoints = caseOf(`${f}.category`, policy.category, "0");
    // ageFactors: OPEN and past due (the stored due date, else first seen + the severity's SLA days)
    const slaMs = caseOf(`${f}.severity`, Object.fromEntries(Object.entries(policy.sla.days).map(([k, d]) => [k, d === null ? null : d * 86_400_000])), "NULL");
    const dueMs = `coalesce(${jsMs(`${f}.due_at`)}, ${jsMs(`${f}.first_seen_at`)} + ${slaMs})`;
    const s = policy.sla;
    const weeks = `floor(floor((${nowMs} - ${dueMs}) / 86400000) / 7)::float8`;
    const agePoints = `(CASE WHEN ${f}.state = 'OPEN' AND ${nowMs} > ${dueMs} THEN ${jsRound(`least(${num(s.overdueMax)}, ${num(s.overdueBase)} + ${num(s.overduePerWeek)} * ${weeks})`)} ELSE 0 END)`;
    const sum = [severity, cvssPoints, kevPoints, epssPoints, secretPoints, `(${resourcePoints})`, fixPoints, scopePoints, categoryPoints, agePoints].join(" + ");
    return `least(100, greatest(0, (${sum})::int))`;
  },
};

/** priorityLevel() as SQL over an integer score expression. */
export function priorityLevelSql(score: string, policy: PriorityPolicy): string {
  const l = policy.levels;
  const arms = (["P0", "P1", "P2", "P3"] as PriorityLevel[]).map((p) => `WHEN ${score} >= ${num(l[p as keyof typeof l])} THEN '${p}'`);
  return `(CASE ${arms.join(" ")} ELSE 'P4' END)`;
}
