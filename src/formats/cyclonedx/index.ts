export { parseCycloneDx } from "./cyclonedx.parse";
