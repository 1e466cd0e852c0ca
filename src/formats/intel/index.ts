export { IntelInputError, parseEpss, parseKev } from "./intel.parse";
