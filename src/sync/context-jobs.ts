import { DataSource } from "typeorm";
import { Config } from "../config";
import { Services } from "../composition";
import { ScheduledJob } from "./scheduler";

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
