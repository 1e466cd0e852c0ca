/**
 * The slice of OCSF 1.3.0 that the finding mapper emits: class ids, enum
 * captions, and the REQUIRED attributes of every class and object we fill,
 * plus `checkOcsfEvent`, which reports any event that breaks them.
 *
 * Read from ocsf/ocsf-schema (stored copies):
 *   events/base_event.json, traits/classification.json, traits/occurrence.json,
 *   events/findings/finding.json (activity_id 1 Create / 2 Update / 3 Close — "Close when a
 *     finding is resolved or dismissed"; status_id 1 New .. 4 Resolved; finding_info required),
 *   events/findings/vulnerability_finding.json (vulnerabilities required),
 *   events/findings/compliance_finding.json (compliance required),
 *   events/findings/detection_finding.json (nothing beyond finding; is_alert, evidences recommended),
 *   objects/finding_info.json (uid required), objects/metadata.json (product, version required),
 *   objects/product.json (name required), objects/vulnerability.json (at_least_one cve|cwe),
 *   objects/cve.json (uid), objects/cvss.json (base_score, version), objects/epss.json (score, a string),
 *   objects/cwe.json (uid), objects/package.json (name, version), objects/affected_code.json (file),
 *   objects/file.json (name, type_id), objects/compliance.json (standards), objects/analytic.json
 *   (type_id), objects/evidences.json (at_least_one of its artifacts), objects/resource_details.json.
 * The stored base_event.json is a newer refactor (traits); the base requirements below are the
 * 1.x ones, cross-checked against a generated 1.x binding (Santiago-Labs/go-ocsf compliance_finding.go:
 * activity_id, category_uid, class_uid, finding_info, metadata, severity_id, time, type_uid non-nullable).
 */

export const OCSF_VERSION = "1.3.0";
export const FINDINGS_CATEGORY_UID = 2;
export const FINDINGS_CATEGORY_NAME = "Findings";

export enum OcsfClass {
  VULNERABILITY_FINDING = 2002,
  COMPLIANCE_FINDING = 2003,
  DETECTION_FINDING = 2004,
}

export const OCSF_CLASS_NAME: Record<OcsfClass, string> = {
  [OcsfClass.VULNERABILITY_FINDING]: "Vulnerability Finding",
  [OcsfClass.COMPLIANCE_FINDING]: "Compliance Finding",
  [OcsfClass.DETECTION_FINDING]: "Detection Finding",
};

/** Enum captions of the ids we emit; an id outside these is a bug. */
export const OCSF_ENUMS = {
  activity_id: { 1: "Create", 2: "Update", 3: "Close" },
  status_id: { 1: "New", 2: "In Progress", 3: "Suppressed", 4: "Resolved" },
  severity_id: { 1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical" },
  compliance_status_id: { 1: "Pass", 2: "Warning", 3: "Fail" },
  file_type_id: { 1: "Regular File" },
  analytic_type_id: { 1: "Rule" },
} as const;

const BASE_REQUIRED = ["activity_id", "category_uid", "class_uid", "metadata", "severity_id", "time", "type_uid"] as const;
const FINDING_REQUIRED = [...BASE_REQUIRED, "finding_info"] as const;

/** Required top-level attributes per class. */
export const OCSF_REQUIRED: Record<OcsfClass, readonly string[]> = {
  [OcsfClass.VULNERABILITY_FINDING]: [...FINDING_REQUIRED, "vulnerabilities"],
  [OcsfClass.COMPLIANCE_FINDING]: [...FINDING_REQUIRED, "compliance"],
  [OcsfClass.DETECTION_FINDING]: [...FINDING_REQUIRED],
};

/**
 * Required attributes of the objects we emit, by path ("[]" = every array element).
 * finding_info.title is recommended in the schema, but kept here: we always emit it and SIEM rules key on it.
 */
export const OCSF_OBJECT_REQUIRED: Record<string, readonly string[]> = {
  "finding_info": ["uid", "title"],
  "finding_info.analytic": ["type_id"],
  "metadata": ["product", "version"],
  "metadata.product": ["name"],
  "vulnerabilities[].cve": ["uid"],
  "vulnerabilities[].cve.cvss[]": ["base_score", "version"],
  "vulnerabilities[].cve.epss": ["score"],
  "vulnerabilities[].cwe": ["uid"],
  "vulnerabilities[].affected_packages[]": ["name", "version"],
  "vulnerabilities[].affected_code[]": ["file"],
  "vulnerabilities[].affected_code[].file": ["name", "type_id"],
  "vulnerabilities[].remediation": ["desc"],
  "compliance": ["standards"],
  "evidences[].file": ["name", "type_id"],
};

/** Objects that must carry at least one of the listed attributes. */
export const OCSF_AT_LEAST_ONE: Record<string, readonly string[]> = {
  "vulnerabilities[]": ["cve", "cwe"],
  "evidences[]": ["actor", "api", "connection_info", "data", "database", "databucket", "device", "dst_endpoint",
    "email", "file", "process", "query", "resources", "src_endpoint", "url", "user", "job", "script"],
};

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

/** Every value at a dotted path; "x[]" steps into each element of array x. */
function at(root: Json, path: string): { where: string; value: unknown }[] {
  let cur: { where: string; value: unknown }[] = [{ where: "", value: root }];
  for (const step of path.split(".")) {
    const many = step.endsWith("[]");
    const key = many ? step.slice(0, -2) : step;
    const next: { where: string; value: unknown }[] = [];
    for (const { where, value } of cur) {
      if (!isObj(value) || !present(value[key])) continue;
      const w = where ? `${where}.${key}` : key;
      const v = value[key];
      if (many && Array.isArray(v)) v.forEach((el, i) => next.push({ where: `${w}[${i}]`, value: el }));
      else if (!many) next.push({ where: w, value: v });
    }
    cur = next;
  }
  return cur;
}

function checkEnum(e: Json, idKey: keyof typeof OCSF_ENUMS, id: unknown, captionKey: string | null, out: string[]): void {
  const captions = OCSF_ENUMS[idKey] as Record<number, string>;
  if (typeof id !== "number" || !(id in captions)) {
    out.push(`${idKey} ${String(id)} is not one of ${Object.keys(captions).join(", ")}`);
  } else if (captionKey && e[captionKey] !== captions[id]) {
    out.push(`${captionKey} "${String(e[captionKey])}" does not match ${idKey} ${id} ("${captions[id]}")`);
  }
}

/** Problems with an emitted event against the tables above; [] when it conforms. */
export function checkOcsfEvent(e: Json): string[] {
  const out: string[] = [];
  const cls = e.class_uid as OcsfClass;
  const required = OCSF_REQUIRED[cls];
  if (!required) return [`class_uid ${String(e.class_uid)} is not one we emit`];
  for (const k of required) if (!present(e[k])) out.push(`missing required ${k} for class ${cls}`);
  for (const [path, keys] of Object.entries(OCSF_OBJECT_REQUIRED)) {
    for (const { where, value } of at(e, path)) {
      for (const k of keys) if (!isObj(value) || !present(value[k])) out.push(`missing required ${where}.${k}`);
    }
  }
  for (const [path, keys] of Object.entries(OCSF_AT_LEAST_ONE)) {
    for (const { where, value } of at(e, path)) {
      if (!isObj(value) || !keys.some((k) => present(value[k]))) out.push(`${where} needs at least one of ${keys.join(", ")}`);
    }
  }
  if (e.category_uid !== FINDINGS_CATEGORY_UID) out.push(`category_uid ${String(e.category_uid)} is not 2`);
  if (e.class_name !== OCSF_CLASS_NAME[cls]) out.push(`class_name "${String(e.class_name)}" does not match class_uid ${cls}`);
  checkEnum(e, "activity_id", e.activity_id, "activity_name", out);
  checkEnum(e, "status_id", e.status_id, "status", out);
  checkEnum(e, "severity_id", e.severity_id, "severity", out);
  if (e.type_uid !== cls * 100 + Number(e.activity_id)) out.push(`type_uid ${String(e.type_uid)} is not class_uid*100+activity_id`);
  if (!Number.isInteger(e.time)) out.push("time must be epoch milliseconds");
  for (const { value } of at(e, "compliance")) if (isObj(value)) checkEnum(value, "compliance_status_id", value.status_id, "status", out);
  for (const p of ["vulnerabilities[].affected_code[].file", "evidences[].file"]) {
    for (const { value } of at(e, p)) if (isObj(value)) checkEnum(value, "file_type_id", value.type_id, "type", out);
  }
  for (const { value } of at(e, "finding_info.analytic")) if (isObj(value)) checkEnum(value, "analytic_type_id", value.type_id, "type", out);
  return out;
}
