import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Owner and vulnerability ID are null for most findings: partial indexes spare
 * every insert two index writes. (TypeORM's diff does not compare WHERE
 * clauses, so this one is written by hand.)
 */
export class PartialFindingIndexes1795635623278 implements MigrationInterface {
  name = "PartialFindingIndexes1795635623278";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_finding_owner"`);
    await queryRunner.query(`DROP INDEX "ix_finding_vulnerability"`);
    await queryRunner.query(`CREATE INDEX "ix_finding_owner" ON "finding" ("owner") WHERE owner IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "ix_finding_vulnerability" ON "finding" ("vulnerability_id") WHERE vulnerability_id IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_finding_owner"`);
    await queryRunner.query(`DROP INDEX "ix_finding_vulnerability"`);
    await queryRunner.query(`CREATE INDEX "ix_finding_owner" ON "finding" ("owner")`);
    await queryRunner.query(`CREATE INDEX "ix_finding_vulnerability" ON "finding" ("vulnerability_id")`);
  }
}
