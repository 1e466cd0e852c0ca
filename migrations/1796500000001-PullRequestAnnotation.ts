import { MigrationInterface, QueryRunner } from "typeorm";

/** What annotatePullRequest posted per pull request (check run or threads, and which findings), so a second call updates it. */
export class PullRequestAnnotation1796500000001 implements MigrationInterface {
  name = "PullRequestAnnotation1796500000001";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "pull_request_annotation" (
      "repository_id" uuid NOT NULL, "pull_request" integer NOT NULL, "state" jsonb NOT NULL, "conclusion" character varying NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_pull_request_annotation" PRIMARY KEY ("repository_id", "pull_request"))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "pull_request_annotation"`);
  }
}
