import { DataSource } from "typeorm";
import type { ScheduledJob } from "../common/jobs";

/**
 * Deletes finding events older than the retention window. It deletes a PREFIX
 * of the log (everything before the first event still inside the window) and
 * always keeps the newest event, so "cursor below the oldest retained
 * sequence" reliably means "events after that cursor may be gone" (EventHub.checkCursor).
 */
export async function deleteExpiredEvents(ds: DataSource, retentionDays: number, now = new Date()): Promise<{ deleted: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const [, deleted] = await ds.query(
    `DELETE FROM finding_event WHERE seq < coalesce(
       (SELECT min(seq) FROM finding_event WHERE occurred_at >= $1),
       (SELECT max(seq) FROM finding_event))`, [cutoff]);
  return { deleted: Number(deleted) || 0 };
}

export function eventJobs(ds: DataSource, retentionDays: number): ScheduledJob[] {
  return [{
    id: "events:retention",
    schedule: "23 3 * * *",
    run: () => deleteExpiredEvents(ds, retentionDays),
  }];
}
