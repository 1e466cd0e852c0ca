import { MigrationInterface, QueryRunner } from "typeorm";

/** connector.options: provider settings the connector validated (e.g. the Azure DevOps projects to sync). */
export class ConnectorOptions1796500000000 implements MigrationInterface {
  name = "ConnectorOptions1796500000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connector" ADD "options" jsonb NOT NULL DEFAULT '{}'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connector" DROP COLUMN "options"`);
  }
}
