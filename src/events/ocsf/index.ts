export { toOcsf, ocsfActivityFor, ocsfClassFor, ocsfStatusFor, type OcsfFinding, type OcsfFindingInput } from "./ocsf.mapper";
export {
  OCSF_AT_LEAST_ONE, OCSF_CLASS_NAME, OCSF_ENUMS, OCSF_OBJECT_REQUIRED, OCSF_REQUIRED, OCSF_VERSION, OcsfClass, checkOcsfEvent,
} from "./ocsf.schema";
