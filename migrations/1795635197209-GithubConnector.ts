import { MigrationInterface, QueryRunner } from "typeorm";

export class GithubConnector1795635197209 implements MigrationInterface {
  name = "GithubConnector1795635197209";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"connector\" ADD \"lease_owner\" character varying");
    await queryRunner.query("ALTER TABLE \"connector\" ADD \"lease_until\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"devops_organization\" ADD \"settings\" jsonb NOT NULL DEFAULT '{}'");
    await queryRunner.query("ALTER TABLE \"repository\" ADD \"gone_at\" TIMESTAMP WITH TIME ZONE");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"repository\" DROP COLUMN \"gone_at\"");
    await queryRunner.query("ALTER TABLE \"devops_organization\" DROP COLUMN \"settings\"");
    await queryRunner.query("ALTER TABLE \"connector\" DROP COLUMN \"lease_until\"");
    await queryRunner.query("ALTER TABLE \"connector\" DROP COLUMN \"lease_owner\"");
  }
}
