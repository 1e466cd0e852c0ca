import type { DataSource } from "typeorm";
import { returned } from "../connectors/core";

/**
 * A connector's sync lease: a row-level claim (connector.lease_owner /
 * lease_until) taken in a short transaction under a transaction-scoped
 * advisory lock, and renewed while the run goes on. No session-level lock is
 * held across awaits — the embedded database has a single connection — yet
 * two runs of one connector never overlap, on one instance or many. A crashed
 * holder's lease simply expires.
 */
export class SyncLease {
  constructor(private readonly ds: DataSource, private readonly owner: string, private readonly ttlMs: number) {}

  async acquire(connectorId: string): Promise<boolean> {
    return this.ds.transaction(async (em) => {
      const [{ locked }] = await em.query(`SELECT pg_try_advisory_xact_lock(hashtext('posturegraph:connector-sync'), hashtext($1)) AS locked`, [connectorId]);
      if (!locked) return false;
      const rows = returned(await em.query(
        `UPDATE connector SET lease_owner = $2, lease_until = now() + ($3 || ' milliseconds')::interval
         WHERE id = $1 AND (lease_until IS NULL OR lease_until < now()) RETURNING id`, [connectorId, this.owner, String(this.ttlMs)]));
      return rows.length === 1;
    });
  }

  async renew(connectorId: string): Promise<void> {
    await this.ds.query(`UPDATE connector SET lease_until = now() + ($3 || ' milliseconds')::interval WHERE id = $1 AND lease_owner = $2`,
      [connectorId, this.owner, String(this.ttlMs)]);
  }

  async release(connectorId: string): Promise<void> {
    await this.ds.query(`UPDATE connector SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2`, [connectorId, this.owner]);
  }
}
