import type { ScheduledJob } from "./scheduler";

/** Schedules as data: one job per enabled connector, plus a reconcile job that picks up changes made on other instances. */
export interface ConnectorScheduleSource {
  enabledConnectors(): Promise<{ id: string; schedule: string }[]>;
  runScheduled(connectorId: string): Promise<unknown>;
}

export const connectorJobId = (connectorId: string) => `connector:${connectorId}`;

export function connectorJob(src: ConnectorScheduleSource, c: { id: string; schedule: string }): ScheduledJob {
  return { id: connectorJobId(c.id), schedule: c.schedule, run: () => src.runScheduled(c.id) };
}

export async function connectorJobs(src: ConnectorScheduleSource): Promise<ScheduledJob[]> {
  return (await src.enabledConnectors()).map((c) => connectorJob(src, c));
}

/** Every 5 minutes: connectors created, changed or removed through another instance get (un)scheduled here too. */
export function reconcileJob(reconcile: () => Promise<void>): ScheduledJob {
  return { id: "sync:reconcile-connector-schedules", schedule: "*/5 * * * *", run: reconcile };
}
