import { config as loadDotenv } from "dotenv";
import path from "node:path";

/**
 * The one place that reads process.env. Everything else receives a Config.
 */
export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  secretKey?: string;
  logLevel: string;
  redisUrl?: string;
  adminToken?: string;
  nodeEnv: string;
  /** Maximum `first` on any connection. */
  maxPageSize: number;
  /** Maximum request body for /graphql, bytes. */
  graphqlBodyLimit: number;
  /** Maximum body for /ingest/* endpoints, bytes (after decompression). */
  ingestBodyLimit: number;
  /** Maximum compressed (Content-Encoding: gzip) body for /ingest/* endpoints, bytes. */
  ingestCompressedLimit: number;
  /** CLI only: a running server to upload to (POSTURE_URL) and its token (POSTURE_TOKEN). */
  postureUrl?: string;
  postureToken?: string;
  /** Run scheduled connectors and derive tasks (off in tests). */
  scheduler: boolean;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { dotenv?: boolean } = {}): Config {
  if (options.dotenv !== false && env === process.env) loadDotenv({ quiet: true });
  const dataDir = path.resolve(env.DATA_DIR || "./.data");
  return {
    port: int(env.PORT, 4000, "PORT"),
    host: env.HOST || "127.0.0.1",
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    secretKey: env.SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL || "info",
    redisUrl: env.REDIS_URL || undefined,
    adminToken: env.ADMIN_TOKEN || undefined,
    nodeEnv: env.NODE_ENV || "production",
    maxPageSize: int(env.MAX_PAGE_SIZE, 100, "MAX_PAGE_SIZE"),
    graphqlBodyLimit: int(env.GRAPHQL_BODY_LIMIT, 1024 * 1024, "GRAPHQL_BODY_LIMIT"),
    ingestBodyLimit: int(env.INGEST_BODY_LIMIT, 256 * 1024 * 1024, "INGEST_BODY_LIMIT"),
    ingestCompressedLimit: int(env.INGEST_COMPRESSED_LIMIT, 20 * 1024 * 1024, "INGEST_COMPRESSED_LIMIT"),
    postureUrl: env.POSTURE_URL || undefined,
    postureToken: env.POSTURE_TOKEN || undefined,
    scheduler: env.SCHEDULER !== "off",
  };
}
