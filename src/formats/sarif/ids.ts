import { arr, get, isObj, str } from "./values";

const CWE_TAG = /^(?:external\/cwe\/)?cwe[-_: ]?0*(\d{1,5})\b/i;
const CVE = /\bCVE-(\d{4})-(\d{4,})\b/i;
const GHSA = /\bGHSA(-[23456789cfghjmpqrvwx]{4}){3}\b/i;

/** "external/cwe/cwe-079", "CWE-79", "CWE-79: Cross-site scripting", 79, "79" → "CWE-79". */
export function normalizeCwe(v: unknown): string | null {
  if (typeof v === "number" && Number.isInteger(v) && v > 0) return `CWE-${v}`;
  if (typeof v !== "string") return null;
  const s = v.trim();
  if (/^\d{1,5}$/.test(s)) return `CWE-${Number(s)}`;
  const m = CWE_TAG.exec(s);
  return m ? `CWE-${Number(m[1])}` : null;
}

export function addCwes(into: Set<string>, values: unknown): void {
  const list = Array.isArray(values) ? values : [values];
  for (const v of list) {
    const c = normalizeCwe(v);
    if (c) into.add(c);
  }
}

/** CWE references in a SARIF property bag: tags plus the ad-hoc "cwe"/"cwes"/"CWE" keys some tools use. */
export function cwesFromProperties(props: unknown, into: Set<string>): void {
  if (!isObj(props)) return;
  for (const tag of arr(get(props, "tags"))) {
    if (typeof tag === "string" && /cwe/i.test(tag)) addCwes(into, tag);
  }
  for (const key of ["cwe", "cwes", "CWE", "cwe_ids", "cweIds"]) {
    const v = get(props, key);
    if (v !== undefined) addCwes(into, v);
  }
}

export function findVulnerabilityId(s: string | null | undefined): string | null {
  if (!s) return null;
  const cve = CVE.exec(s);
  if (cve) return `CVE-${cve[1]}-${cve[2]}`;
  const ghsa = GHSA.exec(s);
  if (ghsa) return "GHSA" + ghsa[0].slice(4).toLowerCase();
  return null;
}

const VULN_ID_KEYS = ["cve", "cveId", "cve_id", "CVE", "ghsa", "ghsaId", "ghsa_id", "vulnerabilityId", "vulnerability_id", "advisoryId", "id"];

/** A CVE/GHSA named by the rule id, then tags, then common property keys. */
export function vulnerabilityIdFrom(ruleId: string, propertyBags: unknown[]): string | null {
  const fromRule = findVulnerabilityId(ruleId);
  if (fromRule) return fromRule;
  for (const bag of propertyBags) {
    for (const tag of arr(get(bag, "tags"))) {
      const v = findVulnerabilityId(str(tag));
      if (v) return v;
    }
  }
  for (const bag of propertyBags) {
    for (const key of VULN_ID_KEYS) {
      const raw = get(bag, key);
      for (const item of Array.isArray(raw) ? raw : [raw]) {
        const v = findVulnerabilityId(str(item));
        if (v) return v;
      }
    }
  }
  return null;
}

/**
 * CWE ids reached through taxon references into a CWE taxonomy (SARIF §3.52): rule.relationships[].target
 * and result.taxa[], e.g. {id:"22", toolComponent:{name:"CWE"}} or an index into the taxonomy's taxa[].
 */
export function cwesFromTaxonRefs(subject: unknown, taxonomies: unknown[], into: Set<string>): void {
  const targets = [...arr(get(subject, "relationships")).map((r) => get(r, "target")), ...arr(get(subject, "taxa"))];
  for (const target of targets) {
    const tc = get(target, "toolComponent");
    const tcIndex = get(tc, "index");
    const guid = str(get(tc, "guid")), name = str(get(tc, "name"));
    const taxonomy = typeof tcIndex === "number" ? taxonomies[tcIndex]
      : taxonomies.find((t) => (guid !== null && str(get(t, "guid")) === guid) || (name !== null && str(get(t, "name")) === name));
    if (!/cwe/i.test(name ?? str(get(taxonomy, "name")) ?? "")) continue;
    let id: unknown = get(target, "id");
    const index = get(target, "index");
    if (id === undefined && typeof index === "number") id = get(arr(get(taxonomy, "taxa"))[index], "id");
    addCwes(into, id);
  }
}
