/** What the OCSF mapping reads of a finding (shared by the mapper and the vulnerability object). */
import type { FindingCategory, FindingState, Severity } from "../../common/types";

export interface OcsfFinding {
  id: string; title: string; message: string | null;
  category: FindingCategory; severity: Severity; state: FindingState;
  ruleId: string; tool: string; toolVersion: string | null;
  repositoryFullName: string; organizationName: string;
  path: string | null; startLine: number | null; endLine: number | null;
  firstSeenAt: Date; lastSeenAt: Date; fixedAt: Date | null;
  dismissReason: string | null; owner: string | null;
  priorityScore: number; priorityLevel: string;
  vulnerabilityId: string | null; cwes: string[];
  cvssScore: number | null; cvssVector: string | null;
  epss: { score: number; percentile: number } | null;
  kev: boolean; fixAvailable: boolean | null;
  packageName: string | null; packageVersion: string | null; fixedVersion: string | null;
  resources: { id: string; name: string; type: string; provider: string; region: string | null }[];
}
