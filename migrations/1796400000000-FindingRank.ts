import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Moves priority score and level, and the indexes that sort by them, out of
 * the wide `finding` row into `finding_rank` (entities/finding-rank.entity.ts):
 * a rescore is a non-HOT update (the score is indexed), so it writes a new
 * tuple and an entry in every index of the table it touches — 4 narrow ones
 * now, not 9 on a ~35-column row.
 *
 * `finding_rank` copies organization, repository, state, severity and
 * category: lists filter by them on its indexes, and the posture counters
 * (`finding_count`) are kept from it, since it holds every counter key. The
 * copies follow `finding` through statement-level triggers (an UPDATE of
 * finding writes the rank rows whose copied columns differ; a DELETE removes
 * them); an INSERT into finding writes its rank rows in the same statement
 * (finding-store.sql.ts), because only the load path knows the score.
 * Written by hand: TypeORM's diff knows nothing of triggers.
 */
export class FindingRank1796400000000 implements MigrationInterface {
  name = "FindingRank1796400000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "finding_rank" (
      "finding_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "repository_id" uuid NOT NULL, "state" character varying NOT NULL,
      "severity" character varying NOT NULL, "category" character varying NOT NULL, "priority_score" smallint NOT NULL,
      "priority_level" character varying NOT NULL, CONSTRAINT "PK_finding_rank" PRIMARY KEY ("finding_id"))`);
    // One repository's rows together: a rescore by repository (the common context change) dirties few pages.
    await q.query(`INSERT INTO finding_rank (finding_id, organization_id, repository_id, state, severity, category, priority_score, priority_level)
      SELECT id, organization_id, repository_id, state, severity, category, priority_score, priority_level FROM finding ORDER BY repository_id, id`);
    await q.query(`CREATE INDEX "ix_finding_rank_priority" ON "finding_rank" ("priority_score", "finding_id")`);
    await q.query(`CREATE INDEX "ix_finding_rank_repo_state_priority" ON "finding_rank" ("repository_id", "state", "priority_score", "finding_id")`);
    await q.query(`CREATE INDEX "ix_finding_rank_org_state_priority" ON "finding_rank" ("organization_id", "state", "priority_score", "finding_id")`);

    // The counters follow finding_rank (same functions: they read the transition tables' columns by name).
    for (const t of ["ins", "del", "upd", "truncate"]) await q.query(`DROP TRIGGER finding_count_${t} ON "finding"`);
    await q.query(`CREATE TRIGGER finding_count_ins AFTER INSERT ON "finding_rank" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_count_ins()`);
    await q.query(`CREATE TRIGGER finding_count_del AFTER DELETE ON "finding_rank" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_count_del()`);
    await q.query(`CREATE TRIGGER finding_count_upd AFTER UPDATE ON "finding_rank" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_count_upd()`);
    await q.query(`CREATE TRIGGER finding_count_truncate AFTER TRUNCATE ON "finding_rank" FOR EACH STATEMENT EXECUTE FUNCTION finding_count_truncate()`);

    // Nested loops on the primary key, for the function's duration only: the planner knows the transition table's size,
    // and for a few thousand rows against a million it would hash-join over a scan of the whole table.
    await q.query(`CREATE FUNCTION finding_rank_sync() RETURNS trigger LANGUAGE plpgsql
      SET enable_hashjoin = off SET enable_mergejoin = off AS $$ BEGIN
      UPDATE finding_rank r SET organization_id = n.organization_id, repository_id = n.repository_id, state = n.state, severity = n.severity, category = n.category
        FROM new_rows n
       WHERE r.finding_id = n.id
         AND (r.organization_id, r.repository_id, r.state, r.severity, r.category) IS DISTINCT FROM (n.organization_id, n.repository_id, n.state, n.severity, n.category);
      RETURN NULL; END $$`);
    await q.query(`CREATE FUNCTION finding_rank_del() RETURNS trigger LANGUAGE plpgsql
      SET enable_hashjoin = off SET enable_mergejoin = off AS $$ BEGIN
      DELETE FROM finding_rank r USING old_rows o WHERE r.finding_id = o.id;
      RETURN NULL; END $$`);
    await q.query(`CREATE FUNCTION finding_rank_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN TRUNCATE finding_rank; RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER finding_rank_sync AFTER UPDATE ON "finding" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_rank_sync()`);
    await q.query(`CREATE TRIGGER finding_rank_del AFTER DELETE ON "finding" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_rank_del()`);
    await q.query(`CREATE TRIGGER finding_rank_truncate AFTER TRUNCATE ON "finding" FOR EACH STATEMENT EXECUTE FUNCTION finding_rank_truncate()`);

    await q.query(`DROP INDEX "ix_finding_priority"`);
    await q.query(`DROP INDEX "ix_finding_repo_state_priority"`);
    await q.query(`DROP INDEX "ix_finding_org_state_priority"`);
    await q.query(`ALTER TABLE "finding" DROP COLUMN "priority_score", DROP COLUMN "priority_level"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "finding" ADD "priority_score" smallint NOT NULL DEFAULT 0, ADD "priority_level" character varying NOT NULL DEFAULT 'P4'`);
    await q.query(`UPDATE finding f SET priority_score = r.priority_score, priority_level = r.priority_level FROM finding_rank r WHERE r.finding_id = f.id`);
    await q.query(`CREATE INDEX "ix_finding_priority" ON "finding" ("priority_score", "id")`);
    await q.query(`CREATE INDEX "ix_finding_repo_state_priority" ON "finding" ("repository_id", "state", "priority_score", "id")`);
    await q.query(`CREATE INDEX "ix_finding_org_state_priority" ON "finding" ("organization_id", "state", "priority_score", "id")`);
    for (const t of ["sync", "del", "truncate"]) {
      await q.query(`DROP TRIGGER finding_rank_${t} ON "finding"`);
      await q.query(`DROP FUNCTION finding_rank_${t}()`);
    }
    for (const t of ["ins", "del", "upd", "truncate"]) await q.query(`DROP TRIGGER finding_count_${t} ON "finding_rank"`);
    await q.query(`CREATE TRIGGER finding_count_ins AFTER INSERT ON "finding" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_count_ins()`);
    await q.query(`CREATE TRIGGER finding_count_del AFTER DELETE ON "finding" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_count_del()`);
    await q.query(`CREATE TRIGGER finding_count_upd AFTER UPDATE ON "finding" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_count_upd()`);
    await q.query(`CREATE TRIGGER finding_count_truncate AFTER TRUNCATE ON "finding" FOR EACH STATEMENT EXECUTE FUNCTION finding_count_truncate()`);
    await q.query(`DROP TABLE "finding_rank"`);
  }
}
