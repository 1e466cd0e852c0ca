import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * content_hash: a digest of what a load compares (services/finding-hash.ts),
 * so a re-upload reads its scope's narrow columns and the wide ones only for
 * findings whose digest differs. Existing rows start without one; the first
 * load that finds them equal field by field writes it.
 */
export class FindingContentHash1796400000001 implements MigrationInterface {
  name = "FindingContentHash1796400000001";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "finding" ADD "content_hash" character varying`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "finding" DROP COLUMN "content_hash"`);
  }
}
