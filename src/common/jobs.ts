/** A scheduled job, declared as data (architecture rule 7): any domain may declare one; sync/scheduler.ts runs them. */
export interface ScheduledJob {
  id: string;
  /** Cron expression. */
  schedule: string;
  run(): Promise<unknown>;
}
