/**
 * One function per family of factors. Each returns whole-point contributions
 * with a detail that names its evidence (the CVE, the KEV date, the EPSS value,
 * the resource), so the score can be explained line by line.
 */
import { FindingCategory, FindingState } from "../common/types";
import { PriorityPolicy } from "./priority.policy";
import type { PriorityFactor, PriorityInput, ResourceContext } from "./priority.types";
import { daysOverdue, isOverdue, slaDueAt } from "./sla";

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const day = (d: Date): string => d.toISOString().slice(0, 10);
const factor = (key: string, label: string, contribution: number, detail: string | null): PriorityFactor =>
  ({ key, label, contribution, detail });

export function baseFactors(input: PriorityInput, policy: PriorityPolicy): PriorityFactor[] {
  const out = [factor("severity", "Severity", policy.severity[input.severity], `${input.severity} severity`)];
  const on = input.vulnerabilityId ? ` (${input.vulnerabilityId})` : "";
  if (input.cvssScore !== null && Number.isFinite(input.cvssScore)) {
    const cvss = clamp(input.cvssScore, 0, 10);
    out.push(factor("cvss", "CVSS", Math.round(cvss * policy.cvss.pointsPerCvssPoint), `CVSS ${cvss.toFixed(1)}${on}`));
  } else {
    const assumed = policy.cvss.assumedBySeverity[input.severity];
    out.push(factor("cvss", "CVSS", Math.round(assumed * policy.cvss.pointsPerCvssPoint),
      `no CVSS score; ${assumed.toFixed(1)} assumed from ${input.severity} severity`));
  }
  return out;
}

export function exploitationFactors(input: PriorityInput, policy: PriorityPolicy): PriorityFactor[] {
  const out: PriorityFactor[] = [];
  const vuln = input.vulnerabilityId ?? "the vulnerability";
  if (input.kev) {
    const ransom = input.kev.knownRansomwareCampaignUse ? ", used in ransomware" : "";
    out.push(factor("kev", "Known exploited (CISA KEV)", policy.kev.listed,
      `${vuln} on CISA KEV since ${input.kev.dateAdded}${ransom}`));
    if (input.kev.knownRansomwareCampaignUse) {
      out.push(factor("kev_ransomware", "Used in ransomware campaigns", policy.kev.ransomware,
        `${vuln} is known to be used in ransomware campaigns (CISA KEV)`));
    }
  }
  if (input.epss) {
    const score = clamp(input.epss.score, 0, 1);
    out.push(factor("epss", "Exploit prediction (EPSS)", Math.round(policy.epss.maxPoints * Math.sqrt(score)),
      `EPSS ${score.toFixed(5)} (percentile ${clamp(input.epss.percentile, 0, 1).toFixed(5)}) for ${vuln}`));
  }
  return out;
}

export function secretFactors(input: PriorityInput, policy: PriorityPolicy): PriorityFactor[] {
  const validity = input.secretValidity ?? (input.category === FindingCategory.SECRET ? "unknown" : null);
  if (validity === null) return [];
  const detail = {
    active: "the secret is still valid (validity check: active)",
    unknown: input.secretValidity === null ? "secret validity was not checked; treated as unknown" : "secret validity is unknown",
    inactive: "the secret is revoked or no longer valid (validity check: inactive)",
  }[validity];
  return [factor("secret_validity", "Secret validity", policy.secretValidity[validity], detail)];
}

function exposurePoints(r: ResourceContext, policy: PriorityPolicy): number {
  const d = policy.deployment;
  return (r.internetExposed ? d.internetExposed : 0) + (r.sensitiveData ? d.sensitiveData : 0) +
    (r.production ? d.production : 0) + (r.criticality ? d.criticality[r.criticality] : 0);
}

/** The resource that adds the most context points; ties go to the name, then id, for a stable explanation. */
export function mostExposedResource(resources: ResourceContext[], policy: PriorityPolicy): ResourceContext | null {
  let best: ResourceContext | null = null;
  let bestPoints = -1;
  for (const r of resources) {
    const pts = exposurePoints(r, policy);
    const better = pts > bestPoints ||
      (pts === bestPoints && best !== null && (r.name < best.name || (r.name === best.name && r.id < best.id)));
    if (better) { best = r; bestPoints = pts; }
  }
  return best;
}

function describe(r: ResourceContext): string {
  const traits = [
    r.internetExposed ? "internet-exposed" : "internal",
    r.production ? "production" : null,
    r.sensitiveData ? "sensitive data" : null,
    r.criticality ? `criticality ${r.criticality}` : null,
  ].filter((t): t is string => t !== null);
  return `${r.name} (${traits.join(", ")}) via ${r.via}`;
}

export function deploymentFactors(input: Pick<PriorityInput, "resources">, policy: PriorityPolicy): PriorityFactor[] {
  const r = mostExposedResource(input.resources, policy);
  if (!r) return [factor("deployment", "Deployed", 0, "not deployed to any known cloud resource")];
  const d = policy.deployment;
  const count = input.resources.length;
  const others = count > 1 ? ` (most exposed of ${count} resources)` : "";
  const out = [factor("deployment", "Deployed", d.deployed, `${describe(r)}${others}`)];
  if (r.internetExposed) out.push(factor("internet_exposure", "Internet exposure", d.internetExposed, `${r.name} is internet-exposed`));
  if (r.sensitiveData) out.push(factor("sensitive_data", "Sensitive data", d.sensitiveData, `${r.name} holds sensitive data`));
  if (r.production) out.push(factor("production", "Production environment", d.production, `${r.name} is in production`));
  if (r.criticality) {
    out.push(factor("business_criticality", "Business criticality", d.criticality[r.criticality],
      `${r.name} has business criticality ${r.criticality}`));
  }
  return out;
}

/** What deploymentFactors adds up to: the same for every finding of a repository (its resources). */
export function deploymentPoints(resources: ResourceContext[], policy: PriorityPolicy): number {
  return deploymentFactors({ resources }, policy).reduce((acc, f) => acc + f.contribution, 0);
}

export function remediationFactors(input: PriorityInput, policy: PriorityPolicy): PriorityFactor[] {
  const out: PriorityFactor[] = [];
  if (input.fixAvailable === true) out.push(factor("fix_available", "Fix available", policy.fixAvailable, "a fix is available"));
  if (input.fixAvailable === false) out.push(factor("fix_available", "Fix available", 0, "no fix is available yet"));
  const scope = input.dependencyScope ??
    (input.category === FindingCategory.DEPENDENCY || input.category === FindingCategory.CONTAINER ? "unknown" : null);
  if (scope !== null) {
    const detail = { runtime: "runtime dependency (shipped)", unknown: "dependency scope unknown", development: "development-only dependency (not shipped)" }[scope];
    out.push(factor("dependency_scope", "Dependency scope", policy.dependencyScope[scope], detail));
  }
  const cat = policy.category[input.category];
  if (cat !== 0) out.push(factor("category", "Category", cat, `${input.category} finding`));
  return out;
}

export function ageFactors(input: PriorityInput, policy: PriorityPolicy): PriorityFactor[] {
  // A closed finding is not overdue; its score stays as it was when open (see the strategy).
  if (input.state !== FindingState.OPEN) return [];
  const due = input.dueAt ?? slaDueAt(input.severity, input.firstSeenAt, policy);
  if (!due || !isOverdue(due, input.now)) return [];
  const days = daysOverdue(due, input.now);
  const s = policy.sla;
  const points = Math.round(Math.min(s.overdueMax, s.overdueBase + s.overduePerWeek * Math.floor(days / 7)));
  return [factor("sla_overdue", "Overdue against SLA", points,
    `due ${day(due)}, ${days} day${days === 1 ? "" : "s"} overdue (first seen ${day(input.firstSeenAt)})`)];
}
