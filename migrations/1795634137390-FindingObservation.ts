import { MigrationInterface, QueryRunner } from "typeorm";

export class FindingObservation1795634137390 implements MigrationInterface {
  name = "FindingObservation1795634137390";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"finding_observation\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"repository_id\" uuid NOT NULL, \"organization_id\" uuid NOT NULL, \"ref\" character varying NOT NULL, \"commit_sha\" character varying, \"analysis_category\" character varying NOT NULL, \"fingerprint\" character varying NOT NULL, \"rule_id\" character varying NOT NULL, \"tool\" character varying NOT NULL, \"severity\" character varying NOT NULL, \"category\" character varying NOT NULL, \"title\" text NOT NULL, \"path\" text, \"start_line\" integer, \"end_line\" integer, \"import_run_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_0acc5d53e806cbc8f454dbc4852\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_f46d1c2ce4c41bd2c9a98f963a\" ON \"finding_observation\"  (\"repository_id\", \"ref\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_f46d1c2ce4c41bd2c9a98f963a\"");
    await queryRunner.query("DROP TABLE \"finding_observation\"");
  }
}
