export { Scheduler, ScheduledJob } from "./scheduler";
export { ConnectorService } from "./connector.service";
export { SyncService } from "./sync.service";
