export { EventHub, type EventHubOptions, type EventHubStart } from "./event-hub";
export { type LogEvent } from "./event-source";
export { encodeEventCursor, decodeEventCursor } from "./cursor";
export { TOO_SLOW_CLOSE_CODE, TOO_SLOW_REASON } from "./event-subscription";
export { deleteExpiredEvents, eventJobs } from "./retention";
export { checkOcsfEvent } from "./ocsf/index";

export { EventSink, EventSubscription, Rendered } from "./event-subscription";
export { type OcsfFinding, type OcsfFindingInput } from "./ocsf/ocsf.mapper";
