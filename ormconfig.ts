/**
 * The DataSource the TypeORM CLI uses (migration:run, migration:revert, ...):
 *   npx typeorm -d dist/ormconfig.js migration:run
 * It needs DATABASE_URL (a PostgreSQL server). For the embedded database,
 * `npm start` runs migrations itself; `npm run migration:generate -- Name`
 * diffs the entities against a fresh embedded database.
 */
import { loadConfig } from "./src/config";
import { createDataSource } from "./src/db/data-source";

const config = loadConfig();
if (!config.databaseUrl) {
  throw new Error("ormconfig: set DATABASE_URL to the PostgreSQL server the TypeORM CLI should use");
}

export default createDataSource({ url: config.databaseUrl, embedded: false });
