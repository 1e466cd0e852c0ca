import { Config } from "../config";
import { Services } from "../services";
import { ScheduledJob } from "./scheduler";

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
