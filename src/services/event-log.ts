import { EntityManager } from "typeorm";
import { FindingEventType } from "../common/types";

export interface EventRow {
  findingId: string;
  organizationId: string;
  repositoryId: string;
  type: FindingEventType;
  payload: Record<string, unknown>;
}

/** Channel on which a committed transaction announces the highest event sequence it wrote. */
export const EVENT_CHANNEL = "posturegraph_finding_events";

/**
 * Appends events in the caller's transaction, set-based, and notifies once
 * (the highest sequence) — never once per row: per-row NOTIFY serializes
 * commits (architecture.md). Listeners see the notification only after commit.
 */
export async function appendEvents(em: EntityManager, events: EventRow[], at: Date): Promise<void> {
  if (!events.length) return;
  const rows: { max: string }[] = await em.query(
    `WITH ins AS (
       INSERT INTO finding_event (finding_id, organization_id, repository_id, type, occurred_at, payload)
       SELECT u.finding_id, u.organization_id, u.repository_id, u.type, $5, u.payload::jsonb
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $6::text[]) WITH ORDINALITY
              AS u(finding_id, organization_id, repository_id, type, payload, ord)
        ORDER BY u.ord
       RETURNING seq)
     SELECT max(seq)::text AS max FROM ins`,
    [events.map((e) => e.findingId), events.map((e) => e.organizationId), events.map((e) => e.repositoryId), events.map((e) => e.type), at, events.map((e) => JSON.stringify(e.payload))],
  );
  await em.query("SELECT pg_notify($1, $2)", [EVENT_CHANNEL, rows[0].max]);
}
