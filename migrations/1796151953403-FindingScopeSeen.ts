import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Write-path economy at a million findings (written by hand: TypeORM's diff knows no functions):
 * - uuid_v7(): time-ordered finding ids (RFC 9562 version 7: 48-bit Unix milliseconds, then random
 *   bits), so one upload's rows are neighbours in the primary key and every (…, id) index;
 * - finding_scope: the newest complete load per (repository, analysis category), so an unchanged
 *   re-sighting writes no finding row; lastSeenAt of an OPEN finding is read through it;
 * - ix_finding_state_last_seen goes: last_seen_at is no longer the whole truth, and one index
 *   fewer is one write fewer per inserted or rescored finding. LAST_SEEN ordering sorts.
 */
export class FindingScopeSeen1796151953403 implements MigrationInterface {
  name = "FindingScopeSeen1796151953403";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
      SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid $$`);
    await q.query(`ALTER TABLE "finding" ALTER COLUMN "id" SET DEFAULT uuid_v7()`);
    await q.query(`DROP INDEX "ix_finding_state_last_seen"`);
    await q.query(`CREATE TABLE "finding_scope" ("repository_id" uuid NOT NULL, "analysis_category" character varying NOT NULL,
      "seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_finding_scope" PRIMARY KEY ("repository_id", "analysis_category"))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // Materialize what the scopes said before they go.
    await q.query(`UPDATE "finding" f SET "last_seen_at" = s."seen_at" FROM "finding_scope" s
      WHERE s."repository_id" = f."repository_id" AND s."analysis_category" = f."analysis_category" AND f."state" = 'OPEN' AND s."seen_at" > f."last_seen_at"`);
    await q.query(`DROP TABLE "finding_scope"`);
    await q.query(`CREATE INDEX "ix_finding_state_last_seen" ON "finding" ("state", "last_seen_at", "id")`);
    await q.query(`ALTER TABLE "finding" ALTER COLUMN "id" SET DEFAULT gen_random_uuid()`);
    await q.query(`DROP FUNCTION uuid_v7()`);
  }
}
