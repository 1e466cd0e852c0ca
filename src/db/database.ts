import fs from "node:fs";
import { DataSource } from "typeorm";
import { Config } from "../config";
import { createDataSource, DataSourceSubscribers } from "./data-source";
import { startEmbeddedDatabase, EmbeddedDatabase } from "./embedded";

export interface Database {
  dataSource: DataSource;
  embedded: boolean;
  /** Connection string of the database (for a second pg client, e.g. LISTEN). */
  url: string;
  schema?: string;
  close(): Promise<void>;
}

/**
 * Opens the configured database (a server when DATABASE_URL is set, else the
 * embedded PGlite under DATA_DIR) and brings its schema up to date.
 */
export async function openDatabase(config: Config, options: { schema?: string; migrate?: boolean; subscribers?: DataSourceSubscribers } = {}): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    embedded = await startEmbeddedDatabase(config.dataDir);
    url = embedded.url;
  }
  const dataSource = createDataSource({ url, embedded: !!embedded, schema: options.schema, logging: process.env.SQL_LOG === "1", subscribers: options.subscribers });
  try {
    if (options.schema) await ensureSchema(url, options.schema);
    await dataSource.initialize();
    if (options.migrate !== false) await dataSource.runMigrations({ transaction: "each" });
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
  return {
    dataSource,
    embedded: !!embedded,
    url,
    schema: options.schema,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const { Client } = await import("pg");
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}

/** Whether every migration has run (for /readyz). */
export async function isMigrated(dataSource: DataSource): Promise<boolean> {
  return !(await dataSource.showMigrations());
}
