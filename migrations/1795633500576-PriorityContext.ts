import { MigrationInterface, QueryRunner } from "typeorm";

export class PriorityContext1795633500576 implements MigrationInterface {
  name = "PriorityContext1795633500576";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"vulnerability_intel\" (\"cve\" character varying NOT NULL, \"kev_date_added\" date, \"kev_ransomware\" boolean NOT NULL DEFAULT false, \"kev_entry\" jsonb, \"epss_score\" real, \"epss_percentile\" real, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_0b45449e1035dde1ae8c637a9d5\" PRIMARY KEY (\"cve\"))");
    await queryRunner.query("CREATE TABLE \"priority_policy\" (\"id\" smallint NOT NULL, \"policy\" jsonb NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_349dda64a555b50dedaddbad679\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("ALTER TABLE \"finding\" ADD \"dismissed_by\" character varying");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"finding\" DROP COLUMN \"dismissed_by\"");
    await queryRunner.query("DROP TABLE \"priority_policy\"");
    await queryRunner.query("DROP TABLE \"vulnerability_intel\"");
  }
}
