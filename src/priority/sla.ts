/**
 * SLA due dates: first seen + the policy's days for the finding's severity.
 * Days are whole UTC days (24 h), so a due date does not shift with daylight saving.
 */
import { Severity } from "../common/types";
import { PriorityPolicy } from "./priority.policy";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The due date for a finding of this severity first seen at `firstSeenAt`, or null when the severity has no SLA. */
export function slaDueAt(severity: Severity, firstSeenAt: Date, policy: PriorityPolicy): Date | null {
  const days = policy.sla.days[severity];
  if (days === null || days === undefined) return null;
  return new Date(firstSeenAt.getTime() + days * DAY_MS);
}

/** Whole days `now` is past `dueAt` (0 when not yet due). */
export function daysOverdue(dueAt: Date, now: Date): number {
  const ms = now.getTime() - dueAt.getTime();
  return ms > 0 ? Math.floor(ms / DAY_MS) : 0;
}

export function isOverdue(dueAt: Date, now: Date): boolean {
  return now.getTime() > dueAt.getTime();
}
