export { CloudService } from "./cloud.service";
export { ExposureService, ExposurePathRow } from "./exposure.service";
export { relinkResources } from "./resource-links";
