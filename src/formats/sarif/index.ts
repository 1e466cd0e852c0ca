export * from "./types";
export { parseJsonSafely } from "./json";
export { parseSarif } from "./sarif.parse";
export { parseCycloneDx } from "../cyclonedx/cyclonedx.parse";
