/**
 * toOcsf: a pure mapping from a finding event to an OCSF 1.3.0 Findings-category
 * event (category_uid 2), for SIEM subscribers and webhooks.
 *
 * Class per category:
 *   CODE, DEPENDENCY, CONTAINER → Vulnerability Finding (2002): a weakness in code or a package,
 *     described by CVE / CWE / CVSS / EPSS / KEV, the affected package and code location.
 *     The vulnerability object needs a CVE or a CWE (schema constraint); a CODE/DEPENDENCY/CONTAINER
 *     finding with neither falls back to Detection Finding (2004) rather than emit an invalid event.
 *   SECRET → Detection Finding (2004): an exposed credential is a detection, not a vulnerability
 *     (no CVE/CWE-shaped object fits it); the file goes into evidences.
 *   IAC, POSTURE → Compliance Finding (2003): a failed check of a rule set against a resource or a
 *     DevOps configuration; `compliance` carries the rule as control and the tool's rule set as standard.
 *     Application Security Posture Finding (2007) would fit posture checks too, but it is not in
 *     OCSF 1.3.0, the version we emit; revisit when metadata.version moves past it.
 *
 * Activity (events/findings/finding.json): CREATED → Create (1); FIXED and DISMISSED → Close (3)
 * ("Close when a finding is resolved or dismissed"); UPDATED, REOPENED, ASSIGNED, PRIORITY_CHANGED → Update (2).
 * Status: FIXED → Resolved (4); DISMISSED → Suppressed (3); OPEN → New (1). In Progress (2) is not used:
 * owners are mostly assigned automatically from CODEOWNERS, so an owner does not mean anyone is working on it.
 * Anything without an OCSF home goes to `unmapped` (snake_case, nulls dropped).
 */
import { FindingCategory, FindingEventType, FindingState, Severity } from "../../common/types";
import {
  FINDINGS_CATEGORY_NAME, FINDINGS_CATEGORY_UID, OCSF_CLASS_NAME, OCSF_ENUMS, OCSF_VERSION, OcsfClass,
} from "./ocsf.schema";
import type { OcsfFinding } from "./ocsf.types";
export type { OcsfFinding } from "./ocsf.types";
import { Json, compact, cvssMappable, cweIds, fileObject, vulnerabilityObject } from "./ocsf.vulnerability";


export interface OcsfFindingInput {
  eventType: FindingEventType;
  occurredAt: Date;
  cursor: string;
  finding: OcsfFinding;
}

const DEFAULT_PRODUCT = { name: "Posturegraph" };
const VENDOR = "Posturegraph";

const SEVERITY_ID: Record<Severity, 1 | 2 | 3 | 4 | 5> = {
  [Severity.INFO]: 1, [Severity.LOW]: 2, [Severity.MEDIUM]: 3, [Severity.HIGH]: 4, [Severity.CRITICAL]: 5,
};

const FINDING_TYPE: Record<FindingCategory, string> = {
  [FindingCategory.CODE]: "Code Scanning",
  [FindingCategory.SECRET]: "Secret Scanning",
  [FindingCategory.DEPENDENCY]: "Dependency Vulnerability",
  [FindingCategory.IAC]: "IaC Misconfiguration",
  [FindingCategory.CONTAINER]: "Container Image Vulnerability",
  [FindingCategory.POSTURE]: "DevOps Posture",
};

export function ocsfClassFor(f: Pick<OcsfFinding, "category" | "vulnerabilityId" | "cwes">): OcsfClass {
  switch (f.category) {
    case FindingCategory.SECRET:
      return OcsfClass.DETECTION_FINDING;
    case FindingCategory.IAC:
    case FindingCategory.POSTURE:
      return OcsfClass.COMPLIANCE_FINDING;
    default:
      return f.vulnerabilityId || cweIds(f).length > 0
        ? OcsfClass.VULNERABILITY_FINDING
        : OcsfClass.DETECTION_FINDING;
  }
}

export function ocsfActivityFor(eventType: FindingEventType): 1 | 2 | 3 {
  if (eventType === FindingEventType.CREATED) return 1;
  if (eventType === FindingEventType.FIXED || eventType === FindingEventType.DISMISSED) return 3;
  return 2;
}

/** The event type wins over the snapshot's state, so a FIXED event never reads as still open. */
export function ocsfStatusFor(eventType: FindingEventType, f: Pick<OcsfFinding, "state">): 1 | 3 | 4 {
  if (eventType === FindingEventType.FIXED) return 4;
  if (eventType === FindingEventType.DISMISSED) return 3;
  if (eventType === FindingEventType.REOPENED || eventType === FindingEventType.CREATED) return 1;
  if (f.state === FindingState.FIXED) return 4;
  if (f.state === FindingState.DISMISSED) return 3;
  return 1;
}

function resources(f: OcsfFinding): Json[] {
  const repo = { uid: f.repositoryFullName, name: f.repositoryFullName, type: "Code Repository",
    labels: [`organization:${f.organizationName}`] };
  const cloud = f.resources.map((r) => compact({
    uid: r.id, name: r.name, type: r.type, region: r.region, labels: [`provider:${r.provider}`],
  }));
  return [repo, ...cloud];
}

function unmapped(input: OcsfFindingInput, cls: OcsfClass): Json {
  const f = input.finding;
  const cwes = cweIds(f);
  return compact({
    event_type: input.eventType,
    category: f.category,
    rule_id: f.ruleId,
    tool: f.tool,
    tool_version: f.toolVersion,
    repository: f.repositoryFullName,
    organization: f.organizationName,
    owner: f.owner,
    dismiss_reason: f.dismissReason,
    fixed_at: f.fixedAt ? f.fixedAt.getTime() : null,
    priority_score: f.priorityScore,
    priority_level: f.priorityLevel,
    location: f.path ? compact({ path: f.path, start_line: f.startLine, end_line: f.endLine }) : null,
    cwes: cwes.length > 0 ? cwes : null,
    // Kept here whenever the vulnerability object cannot carry them.
    vulnerability_id: cls !== OcsfClass.VULNERABILITY_FINDING ? f.vulnerabilityId : null,
    cvss_score: !cvssMappable(f) || cls !== OcsfClass.VULNERABILITY_FINDING ? f.cvssScore : null,
    cvss_vector: !cvssMappable(f) || cls !== OcsfClass.VULNERABILITY_FINDING ? f.cvssVector : null,
    epss: f.epss && (cls !== OcsfClass.VULNERABILITY_FINDING || !f.vulnerabilityId) ? f.epss : null,
    kev: f.kev && cls !== OcsfClass.VULNERABILITY_FINDING ? true : null,
    fixed_version: f.fixedVersion,
    package: f.packageName && !f.packageVersion ? f.packageName : null,
  });
}

function classPart(input: OcsfFindingInput, cls: OcsfClass, activity: number, severity: string): Json {
  const f = input.finding;
  switch (cls) {
    case OcsfClass.VULNERABILITY_FINDING:
      return { vulnerabilities: [vulnerabilityObject(f, severity)] };
    case OcsfClass.COMPLIANCE_FINDING: {
      const pass = f.state === FindingState.FIXED || input.eventType === FindingEventType.FIXED;
      return { compliance: { standards: [f.tool], control: f.ruleId, status_id: pass ? 1 : 3, status: pass ? "Pass" : "Fail" } };
    }
    case OcsfClass.DETECTION_FINDING:
      return compact({
        is_alert: activity !== 3 && f.state === FindingState.OPEN,
        evidences: f.path ? [{ file: fileObject(f.path), data: compact({ start_line: f.startLine, end_line: f.endLine }) }] : null,
      });
  }
}

export function toOcsf(input: OcsfFindingInput, product?: { name: string; version: string }): Record<string, unknown> {
  const f = input.finding;
  const cls = ocsfClassFor(f);
  const activity = ocsfActivityFor(input.eventType);
  const status = ocsfStatusFor(input.eventType, f);
  const severityId = SEVERITY_ID[f.severity];
  const severity = OCSF_ENUMS.severity_id[severityId];
  const activityName = OCSF_ENUMS.activity_id[activity];
  return compact({
    activity_id: activity,
    activity_name: activityName,
    category_uid: FINDINGS_CATEGORY_UID,
    category_name: FINDINGS_CATEGORY_NAME,
    class_uid: cls,
    class_name: OCSF_CLASS_NAME[cls],
    type_uid: cls * 100 + activity,
    type_name: `${OCSF_CLASS_NAME[cls]}: ${activityName}`,
    severity_id: severityId,
    severity,
    status_id: status,
    status: OCSF_ENUMS.status_id[status],
    time: input.occurredAt.getTime(),
    message: f.message ?? f.title,
    finding_info: compact({
      uid: f.id,
      title: f.title,
      desc: f.message,
      types: [FINDING_TYPE[f.category]],
      created_time: f.firstSeenAt.getTime(),
      first_seen_time: f.firstSeenAt.getTime(),
      last_seen_time: f.lastSeenAt.getTime(),
      analytic: { uid: f.ruleId, name: f.ruleId, type_id: 1, type: "Rule" },
    }),
    metadata: {
      product: compact({ ...DEFAULT_PRODUCT, ...product, vendor_name: VENDOR }),
      version: OCSF_VERSION,
      uid: input.cursor,
    },
    resources: resources(f),
    ...classPart(input, cls, activity, severity),
    unmapped: unmapped(input, cls),
  });
}
