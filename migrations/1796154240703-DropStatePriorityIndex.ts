import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Every priority recompute rewrites each rescored finding as a new tuple (priority_score is indexed, so
 * the update is never HOT) with an entry in every index of finding: an index fewer is a tenth less work
 * per rescored row. (state, priority_score, id) goes: (priority_score, id) read backwards with the state
 * as a filter serves the same pages — OPEN is about half of all findings, the rarest state (DISMISSED,
 * ~12% in the scale estate) reads ~8 index entries per row returned — and repository or organization
 * filters have their own (…, state, priority_score, id) indexes. Written by hand, like the other index changes.
 */
export class DropStatePriorityIndex1796154240703 implements MigrationInterface {
  name = "DropStatePriorityIndex1796154240703";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_finding_state_priority"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_finding_state_priority" ON "finding" ("state", "priority_score", "id")`);
  }
}
