import "reflect-metadata";
import path from "node:path";
import { DataSource } from "typeorm";
import { ENTITIES } from "../entities";
import { SnakeNamingStrategy } from "./naming";

export interface DataSourceOptions {
  url: string;
  /** Embedded PGlite: exactly one connection, so transactions never interleave. */
  embedded: boolean;
  /** A schema other than public (tests use one per run on a shared server). */
  schema?: string;
  logging?: boolean;
  /** Entity subscribers, given by the composition root (the event log's commit hook lives with the events, above this layer). */
  subscribers?: DataSourceSubscribers;
}

export type DataSourceSubscribers = NonNullable<ConstructorParameters<typeof DataSource>[0]["subscribers"]>;

/** Compiled migrations live in dist/migrations; this file is dist/src/db/data-source.js. */
export const MIGRATIONS_GLOB = path.resolve(__dirname, "../../migrations/*.js");

export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: "postgres",
    url: options.url,
    schema: options.schema,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    subscribers: options.subscribers ?? [],
    migrationsTableName: "typeorm_migrations",
    migrationsTransactionMode: "each",
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: "pgcrypto",
    synchronize: false,
    logging: options.logging ? ["query", "error"] : ["error"],
    poolSize: options.embedded ? 1 : 10,
    extra: {
      max: options.embedded ? 1 : 10,
      // With a schema per test run, every pooled connection must resolve names in it.
      ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
    },
  });
}
