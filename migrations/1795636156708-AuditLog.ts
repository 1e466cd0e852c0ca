import { MigrationInterface, QueryRunner } from "typeorm";

export class AuditLog1795636156708 implements MigrationInterface {
  name = "AuditLog1795636156708";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"audit_log\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"token_id\" uuid, \"token_name\" character varying, \"kind\" character varying NOT NULL, \"operation\" character varying, \"fields\" text array NOT NULL DEFAULT '{}', \"variables\" jsonb, \"remote_address\" character varying, \"result\" character varying NOT NULL, \"request_id\" character varying, CONSTRAINT \"PK_07fefa57f7f5ab8fc3f52b3ed0b\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_audit_log_token_at\" ON \"audit_log\"  (\"token_id\", \"at\") ");
    await queryRunner.query("CREATE INDEX \"ix_audit_log_at\" ON \"audit_log\"  (\"at\", \"id\") ");
    // Append-only in the database too: UPDATE, DELETE and TRUNCATE raise, whoever asks.
    await queryRunner.query("CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$");
    await queryRunner.query("CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON \"audit_log\" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()");
    await queryRunner.query("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON \"audit_log\" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TRIGGER audit_log_no_truncate ON \"audit_log\"");
    await queryRunner.query("DROP TRIGGER audit_log_no_update_delete ON \"audit_log\"");
    await queryRunner.query("DROP FUNCTION audit_log_append_only()");
    await queryRunner.query("DROP INDEX \"public\".\"ix_audit_log_at\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_audit_log_token_at\"");
    await queryRunner.query("DROP TABLE \"audit_log\"");
  }
}
