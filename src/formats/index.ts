/**
 * Pure parsers: bytes in, the domain's rows out (FindingInput/RuleInput for
 * SARIF and CycloneDX, cloud resource records, KEV/EPSS entries). No database.
 */
export * from "./sarif";
export * from "./cyclonedx";
export * from "./intel";
export * from "./cloud-inventory";
