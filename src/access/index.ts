export { rotateSecrets } from "./key-rotation";
export { TokenService } from "./token.service";
export { AuditService } from "./audit.service";
