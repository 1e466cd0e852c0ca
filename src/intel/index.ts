export { IntelService } from "./intel.service";
