import { DomainError } from "../../common/errors";
/**
 * Pure parsers of exploitation data: the CISA KEV catalog (JSON) and the EPSS
 * scores (CSV). Both throw IntelInputError naming the entry or line; nothing
 * is written on bad input.
 */
export class IntelInputError extends DomainError {
  constructor(message: string) { super("INVALID_REQUEST", message); }
}

export interface KevEntry { cve: string; dateAdded: string; ransomware: boolean; entry: Record<string, unknown> }
export interface EpssScore { cve: string; epss: number; percentile: number }

const CVE = /^CVE-\d{4}-\d{4,}$/;

/** The catalog's `count` is not trusted (real catalogs disagree with their array); `vulnerabilities[]` is. */
export function parseKev(doc: unknown): KevEntry[] {
  if (!doc || typeof doc !== "object" || !Array.isArray((doc as Record<string, unknown>).vulnerabilities)) {
    throw new IntelInputError("not a CISA KEV catalog: vulnerabilities[] is missing");
  }
  const byCve = new Map<string, KevEntry>();
  (doc as { vulnerabilities: unknown[] }).vulnerabilities.forEach((v, i) => {
    if (!v || typeof v !== "object") throw new IntelInputError(`vulnerabilities[${i}]: must be an object`);
    const o = v as Record<string, unknown>;
    const cve = typeof o.cveID === "string" ? o.cveID.trim().toUpperCase() : "";
    if (!CVE.test(cve)) throw new IntelInputError(`vulnerabilities[${i}].cveID: not a CVE ID (${JSON.stringify(o.cveID)?.slice(0, 40)})`);
    const date = typeof o.dateAdded === "string" ? o.dateAdded.trim() : "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) throw new IntelInputError(`vulnerabilities[${i}].dateAdded: must be YYYY-MM-DD (${cve})`);
    const ransom = o.knownRansomwareCampaignUse;
    if (ransom !== undefined && ransom !== null && typeof ransom !== "string") throw new IntelInputError(`vulnerabilities[${i}].knownRansomwareCampaignUse: must be Known or Unknown`);
    byCve.set(cve, { cve, dateAdded: date, ransomware: typeof ransom === "string" && ransom.trim().toLowerCase() === "known", entry: o });
  });
  return [...byCve.values()];
}

/** EPSS CSV: an optional `#model_version:…,score_date:…` comment line, the header `cve,epss,percentile`, then rows. */
export function parseEpss(text: string): { scores: EpssScore[]; modelVersion: string | null; scoreDate: string | null } {
  const lines = text.split(/\r?\n/);
  let i = 0;
  let modelVersion: string | null = null, scoreDate: string | null = null;
  while (i < lines.length && (lines[i].startsWith("#") || !lines[i].trim())) {
    const m = /model_version:([^,]+)/.exec(lines[i]); if (m) modelVersion = m[1].trim();
    const d = /score_date:([^,\s]+)/.exec(lines[i]); if (d) scoreDate = d[1].trim();
    i++;
  }
  const header = (lines[i] ?? "").replace(/^\uFEFF/, "").split(",").map((h) => h.trim().toLowerCase());
  const [ci, ei, pi] = ["cve", "epss", "percentile"].map((h) => header.indexOf(h));
  if (ci < 0 || ei < 0 || pi < 0) throw new IntelInputError(`line ${i + 1}: expected the header cve,epss,percentile`);
  const byCve = new Map<string, EpssScore>();
  for (i++; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const cols = line.split(",");
    const cve = (cols[ci] ?? "").trim().toUpperCase();
    const epss = Number(cols[ei]), percentile = Number(cols[pi]);
    if (!CVE.test(cve)) throw new IntelInputError(`line ${i + 1}: cve: not a CVE ID`);
    if (!(epss >= 0 && epss <= 1)) throw new IntelInputError(`line ${i + 1}: epss: must be a number from 0 to 1`);
    if (!(percentile >= 0 && percentile <= 1)) throw new IntelInputError(`line ${i + 1}: percentile: must be a number from 0 to 1`);
    byCve.set(cve, { cve, epss, percentile });
  }
  return { scores: [...byCve.values()], modelVersion, scoreDate };
}
