/** Test support (not a test file): finding events for the OCSF mapper tests. */
import { FindingCategory, FindingEventType, FindingState, Severity } from "../../common/types";
import type { OcsfFinding, OcsfFindingInput } from "./ocsf.mapper";

/** A fully populated finding (every optional field set). */
export function fullFinding(over: Partial<OcsfFinding> = {}): OcsfFinding {
  return {
    id: "f-123", title: "SonicOS SSLVPN improper authentication", message: "Improper authentication in SSLVPN",
    category: FindingCategory.DEPENDENCY, severity: Severity.HIGH, state: FindingState.OPEN,
    ruleId: "CVE-2024-53704", tool: "Trivy", toolVersion: "0.58.1",
    repositoryFullName: "acme/api", organizationName: "acme",
    path: "services/api/package-lock.json", startLine: 12, endLine: 14,
    firstSeenAt: new Date("2025-01-10T08:00:00Z"), lastSeenAt: new Date("2025-02-01T08:00:00Z"), fixedAt: null,
    dismissReason: null, owner: "team-api", priorityScore: 71, priorityLevel: "P0",
    vulnerabilityId: "CVE-2024-53704", cwes: ["external/cwe/cwe-287"],
    cvssScore: 8.2, cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N",
    epss: { score: 0.94321, percentile: 0.99912 }, kev: true, fixAvailable: true,
    packageName: "sonicos", packageVersion: "7.1.1", fixedVersion: "7.1.3",
    resources: [{ id: "/subscriptions/s/rg/api-prod", name: "api-prod", type: "AppService", provider: "AZURE", region: "westeurope" }],
    ...over,
  };
}

/** The same finding with every nullable field null and every list empty. */
export function sparseFinding(over: Partial<OcsfFinding> = {}): OcsfFinding {
  return fullFinding({
    message: null, toolVersion: null, path: null, startLine: null, endLine: null, fixedAt: null,
    dismissReason: null, owner: null, vulnerabilityId: null, cwes: [], cvssScore: null, cvssVector: null,
    epss: null, kev: false, fixAvailable: null, packageName: null, packageVersion: null, fixedVersion: null,
    resources: [], ...over,
  });
}

/** The snapshot state a finding has after an event of this type. */
export function stateAfter(eventType: FindingEventType): FindingState {
  if (eventType === FindingEventType.FIXED) return FindingState.FIXED;
  if (eventType === FindingEventType.DISMISSED) return FindingState.DISMISSED;
  return FindingState.OPEN;
}

export function event(eventType: FindingEventType, finding: OcsfFinding): OcsfFindingInput {
  return { eventType, occurredAt: new Date("2025-02-01T09:30:00.123Z"), cursor: "evt-000000000042", finding };
}
