import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Exact precomputed counts for postureSummary. Statement-level triggers with
 * transition tables append one aggregated delta row per key and statement
 * (plain INSERTs: concurrent loads never wait on, or deadlock over, a shared
 * counter row); `finding_count_compact()` folds the deltas into one row per
 * key. Keyed by organization, not repository: at 10,000 repositories a
 * per-repository key has nearly as many rows as findings, which defeats the
 * point; a repository summary reads its findings through the repository index.
 * Written by hand: TypeORM's diff knows nothing of triggers and functions.
 */
export class FindingCount1795635896042 implements MigrationInterface {
  name = "FindingCount1795635896042";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "finding_count" (
      "organization_id" uuid NOT NULL, "state" varchar NOT NULL, "severity" varchar NOT NULL, "category" varchar NOT NULL,
      "priority_level" varchar NOT NULL, "n" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "ix_finding_count_org" ON "finding_count" ("organization_id")`);
    await q.query(`CREATE FUNCTION finding_count_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      INSERT INTO finding_count SELECT organization_id, state, severity, category, priority_level, count(*) FROM new_rows GROUP BY 1, 2, 3, 4, 5;
      RETURN NULL; END $$`);
    await q.query(`CREATE FUNCTION finding_count_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      INSERT INTO finding_count SELECT organization_id, state, severity, category, priority_level, -count(*) FROM old_rows GROUP BY 1, 2, 3, 4, 5;
      RETURN NULL; END $$`);
    // An UPDATE that moves no key (last_seen_at, owner, ...) appends nothing.
    await q.query(`CREATE FUNCTION finding_count_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      INSERT INTO finding_count SELECT organization_id, state, severity, category, priority_level, sum(d) FROM (
          SELECT organization_id, state, severity, category, priority_level, 1 AS d FROM new_rows
          UNION ALL SELECT organization_id, state, severity, category, priority_level, -1 FROM old_rows) x
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0;
      RETURN NULL; END $$`);
    await q.query(`CREATE FUNCTION finding_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM finding_count; RETURN NULL; END $$`);
    await q.query(`CREATE TRIGGER finding_count_ins AFTER INSERT ON "finding" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_count_ins()`);
    await q.query(`CREATE TRIGGER finding_count_del AFTER DELETE ON "finding" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_count_del()`);
    await q.query(`CREATE TRIGGER finding_count_upd AFTER UPDATE ON "finding" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION finding_count_upd()`);
    await q.query(`CREATE TRIGGER finding_count_truncate AFTER TRUNCATE ON "finding" FOR EACH STATEMENT EXECUTE FUNCTION finding_count_truncate()`);
    // Folds deltas into one row per key. Exact under concurrency: the DELETE removes only the rows its snapshot
    // sees, and the sums of exactly those rows go back in the same statement.
    await q.query(`CREATE FUNCTION finding_count_compact() RETURNS void LANGUAGE sql AS $$
      WITH d AS (DELETE FROM finding_count RETURNING *)
      INSERT INTO finding_count SELECT organization_id, state, severity, category, priority_level, sum(n) FROM d
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 $$`);
    await q.query(`INSERT INTO finding_count SELECT organization_id, state, severity, category, priority_level, count(*) FROM finding GROUP BY 1, 2, 3, 4, 5`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ["ins", "del", "upd", "truncate"]) {
      await q.query(`DROP TRIGGER finding_count_${t} ON "finding"`);
      await q.query(`DROP FUNCTION finding_count_${t}()`);
    }
    await q.query(`DROP FUNCTION finding_count_compact()`);
    await q.query(`DROP TABLE "finding_count"`);
  }
}
