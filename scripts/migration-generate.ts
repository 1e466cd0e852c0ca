/**
 * Writes a migration with the SQL that brings a database migrated to the
 * current head up to the entities: `npm run migration:generate -- Name`.
 * Runs on a throwaway embedded database, so no server is needed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config";
import { openAppDatabase } from "../src/composition";

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error("usage: npm run migration:generate -- MigrationName");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-migrate-"));
  const config = { ...loadConfig(), databaseUrl: undefined, dataDir };
  const db = await openAppDatabase(config);
  try {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      console.log("entities and migrations agree: nothing to generate");
      return;
    }
    const ts = Date.now();
    const q = (s: string) => JSON.stringify(s);
    const up = sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join("\n");
    const down = sql.downQueries.reverse().map((x) => `    await queryRunner.query(${q(x.query)});`).join("\n");
    const file = path.resolve(__dirname, "../../migrations", `${ts}-${name}.ts`);
    fs.writeFileSync(file, `import { MigrationInterface, QueryRunner } from "typeorm";

export class ${name}${ts} implements MigrationInterface {
  name = "${name}${ts}";

  public async up(queryRunner: QueryRunner): Promise<void> {
${up}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${down}
  }
}
`);
    console.log(`wrote ${path.relative(process.cwd(), file)} (${sql.upQueries.length} statements)`);
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
