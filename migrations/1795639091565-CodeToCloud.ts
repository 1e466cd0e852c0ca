import { MigrationInterface, QueryRunner } from "typeorm";

export class CodeToCloud1795639091565 implements MigrationInterface {
  name = "CodeToCloud1795639091565";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"build_artifact\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"organization_id\" uuid NOT NULL, \"repository_id\" uuid NOT NULL, \"pipeline_id\" uuid, \"commit_sha\" character varying NOT NULL, \"image_name\" character varying NOT NULL, \"image_digest\" character varying NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_9008d3ede070f0e06da7e5713bc\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_0dc6a3eb85316724b7a453bfea\" ON \"build_artifact\"  (\"image_digest\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_a563866c5094d3b2c37215fe6c\" ON \"build_artifact\"  (\"repository_id\", \"image_digest\") ");
    await queryRunner.query("CREATE TABLE \"environment_mapping_rule\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"organization_id\" uuid, \"environment_id\" uuid, \"environment_name\" character varying, \"tag_key\" character varying, \"tag_value\" character varying, \"resource_name\" character varying, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_4f048bbe3e0f719380ad782f382\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"environment_resource\" (\"environment_id\" uuid NOT NULL, \"resource_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_26cfa832bc99043700a00de5750\" PRIMARY KEY (\"environment_id\", \"resource_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_8ec2e3571ea02b6bc16a50d228\" ON \"environment_resource\"  (\"resource_id\") ");
    await queryRunner.query("ALTER TABLE \"resource_link\" ADD \"derived_by\" character varying");
    await queryRunner.query("CREATE INDEX \"IDX_14743708f6cb85fa90a319f5c5\" ON \"cloud_resource\"  (\"source\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_14743708f6cb85fa90a319f5c5\"");
    await queryRunner.query("ALTER TABLE \"resource_link\" DROP COLUMN \"derived_by\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_8ec2e3571ea02b6bc16a50d228\"");
    await queryRunner.query("DROP TABLE \"environment_resource\"");
    await queryRunner.query("DROP TABLE \"environment_mapping_rule\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_a563866c5094d3b2c37215fe6c\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_0dc6a3eb85316724b7a453bfea\"");
    await queryRunner.query("DROP TABLE \"build_artifact\"");
  }
}
