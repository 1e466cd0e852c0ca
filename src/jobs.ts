import { DataSource } from "typeorm";
import { Config } from "./config";
import type { Services } from "./composition";
import type { ScheduledJob } from "./common/jobs";

/*
 * The derive stage and context feeds as schedules: jobs declared as data over
 * the composed services (so no domain imports the composition root).
 */

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

/**
 * Code-to-cloud derivation as a schedule: connectors load deployments and
 * environments on their own runs; this re-derives every link every few
 * minutes, writing (and rescoring) only what changed, so a new deployment
 * reaches the priorities without the connector knowing about links.
 */
export function linkJobs(services: Services, ds: DataSource): ScheduledJob[] {
  return [{ id: "derive:code-to-cloud-links", schedule: "*/10 * * * *", run: () => ds.transaction((em) => services.cloud.relinkAndRescore(em, null)) }];
}

/**
 * Daily fetch of exploitation data (CISA publishes KEV on weekdays, FIRST
 * publishes EPSS daily). An empty URL disables that feed.
 */
export function intelJobs(services: Services, config: Config): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  if (config.kevFeedUrl) jobs.push({ id: "intel:kev", schedule: config.intelSchedule, run: () => services.intel.fetchAndImport("kev", config.kevFeedUrl) });
  if (config.epssFeedUrl) jobs.push({ id: "intel:epss", schedule: config.intelSchedule, run: () => services.intel.fetchAndImport("epss", config.epssFeedUrl) });
  return jobs;
}
