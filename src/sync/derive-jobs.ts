import { DataSource } from "typeorm";
import { Services } from "../composition";
import { ScheduledJob } from "./scheduler";

/** The derive stage's time-driven jobs. */
export function deriveJobs(ds: DataSource, services: Services): ScheduledJob[] {
  return [{
    id: "derive:overdue-priority",
    // The SLA factor grows with time: rescore open findings past due, hourly.
    schedule: "7 * * * *",
    run: () => ds.transaction((tx) => services.priority.recompute(tx, { overdueAt: new Date() })),
  }, {
    id: "derive:compact-finding-counts",
    // postureSummary reads the counters; fold their delta rows every few minutes.
    schedule: "*/5 * * * *",
    run: () => services.summary.compact(),
  }];
}
