import cron, { ScheduledTask } from "node-cron";
import { Logger } from "../common/logger";

import type { ScheduledJob } from "../common/jobs";
export type { ScheduledJob } from "../common/jobs";

/** Runs jobs on their schedules; a run still going when the next is due is skipped, not stacked. */
export class Scheduler {
  private tasks = new Map<string, ScheduledTask>();
  private running = new Set<string>();

  constructor(private readonly logger: Logger) {}

  add(job: ScheduledJob): void {
    if (!cron.validate(job.schedule)) throw new Error(`invalid cron expression for ${job.id}: ${job.schedule}`);
    this.remove(job.id);
    this.tasks.set(job.id, cron.schedule(job.schedule, () => void this.runNow(job)));
  }

  remove(id: string): void {
    void this.tasks.get(id)?.stop();
    this.tasks.delete(id);
  }

  async runNow(job: ScheduledJob): Promise<void> {
    if (this.running.has(job.id)) return;
    this.running.add(job.id);
    const started = Date.now();
    try {
      const result = await job.run();
      this.logger.info({ job: job.id, ms: Date.now() - started, result }, "scheduled job done");
    } catch (err) {
      this.logger.error({ job: job.id, err }, "scheduled job failed");
    } finally {
      this.running.delete(job.id);
    }
  }

  stop(): void {
    for (const t of this.tasks.values()) void t.stop();
    this.tasks.clear();
  }
}
