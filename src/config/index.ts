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
  /** Redis that carries "events committed" pokes between instances (instead of PostgreSQL LISTEN). */
  redisUrl?: string;
  /** Pub/sub channel of those pokes: one per deployment (instances on other databases must not share it). */
  redisChannel: string;
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
  /** GraphQL query limits, checked before execution (docs/security.md). */
  limits: QueryLimits;
  /** Who may introspect: "admin" (tokens with the admin scope), "open" (every token), "off" (nobody). */
  introspection: "admin" | "open" | "off";
  /** Origins allowed to open a WebSocket; null: requests without Origin and same-host origins only. */
  allowedOrigins: string[] | null;
  rateLimit: RateLimits;
  /** Largest WebSocket message, bytes. */
  wsMaxPayload: number;
  /** Audit writes are batched: flushed at this many entries or after this many ms. */
  auditFlushMs: number;
  /** CISA KEV catalog (JSON) fetched on intelSchedule; empty disables the fetch. */
  kevFeedUrl: string;
  /** EPSS scores (CSV, gzip or not) fetched on intelSchedule; empty disables the fetch. */
  epssFeedUrl: string;
  /** Cron expression of the KEV/EPSS fetch (INTEL_SCHEDULE). */
  intelSchedule: string;
  /** Days finding events are kept; a subscription cursor older than that is an error. */
  eventRetentionDays: number;
  /** Events queued for one subscriber before it is closed as too slow. */
  eventSubscriberBuffer: number;
  /** Query responses kept per database snapshot (response-cache.plugin.ts); ttlMs 0 disables. */
  responseCache: { ttlMs: number; maxBytes: number };
  /** Seconds to wait before each retry of a failed webhook delivery (WEBHOOK_RETRY_SCHEDULE); FAILED once exhausted. */
  webhookRetrySchedule: number[];
  /** Allow webhook targets in loopback, private, link-local and CGNAT ranges (WEBHOOK_ALLOW_PRIVATE). */
  webhookAllowPrivate: boolean;
  /** Time limit of one webhook request, ms (WEBHOOK_TIMEOUT_MS). */
  webhookTimeoutMs: number;
}

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Parser token limit: a document over it is abandoned while parsing. */
  maxTokens: number;
  /** Times one response key may repeat in one selection set. */
  maxFieldDuplicates: number;
  /** Estimated cost (fields × the `first`/`last` of enclosing lists). */
  maxCost: number;
  /** Execution time after which unresolved fields fail, ms. */
  executionTimeoutMs: number;
}

export interface RateLimits {
  /** Requests per token per minute (HTTP requests and WebSocket subscriptions). */
  requestsPerMinute: number;
  /** Summed query cost per token per minute. */
  costPerMinute: number;
  /** Failed authentication attempts per remote address per minute. */
  authFailuresPerMinute: number;
}

export const DEFAULT_KEV_FEED_URL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
export const DEFAULT_EPSS_FEED_URL = "https://epss.cyentia.com/epss_scores-current.csv.gz";

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function bool(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === "") return fallback;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new Error(`${name} must be true or false, got "${value}"`);
}

/** Comma-separated seconds, e.g. "5,300,1800". */
function seconds(value: string | undefined, fallback: string, name: string): number[] {
  const text = value === undefined || value.trim() === "" ? fallback : value;
  const parts = text.split(",").map((p) => p.trim());
  if (parts.some((p) => !/^\d{1,7}$/.test(p))) throw new Error(`${name} must be comma-separated whole seconds, got "${text}"`);
  return parts.map(Number);
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, name: string): T {
  if (value === undefined || value === "") return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${name} must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as T;
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
    redisChannel: env.REDIS_CHANNEL || "posturegraph:finding-events",
    adminToken: env.ADMIN_TOKEN || undefined,
    nodeEnv: env.NODE_ENV || "production",
    maxPageSize: int(env.MAX_PAGE_SIZE, 100, "MAX_PAGE_SIZE"),
    graphqlBodyLimit: int(env.GRAPHQL_BODY_LIMIT, 1024 * 1024, "GRAPHQL_BODY_LIMIT"),
    ingestBodyLimit: int(env.INGEST_BODY_LIMIT, 256 * 1024 * 1024, "INGEST_BODY_LIMIT"),
    ingestCompressedLimit: int(env.INGEST_COMPRESSED_LIMIT, 20 * 1024 * 1024, "INGEST_COMPRESSED_LIMIT"),
    postureUrl: env.POSTURE_URL || undefined,
    postureToken: env.POSTURE_TOKEN || undefined,
    scheduler: env.SCHEDULER !== "off",
    limits: {
      maxDepth: int(env.MAX_QUERY_DEPTH, 10, "MAX_QUERY_DEPTH"),
      maxAliases: int(env.MAX_QUERY_ALIASES, 30, "MAX_QUERY_ALIASES"),
      maxDirectives: int(env.MAX_QUERY_DIRECTIVES, 50, "MAX_QUERY_DIRECTIVES"),
      maxTokens: int(env.MAX_QUERY_TOKENS, 2000, "MAX_QUERY_TOKENS"),
      maxFieldDuplicates: int(env.MAX_FIELD_DUPLICATES, 5, "MAX_FIELD_DUPLICATES"),
      maxCost: int(env.MAX_QUERY_COST, 20000, "MAX_QUERY_COST"),
      executionTimeoutMs: int(env.EXECUTION_TIMEOUT_MS, 10_000, "EXECUTION_TIMEOUT_MS"),
    },
    introspection: oneOf(env.INTROSPECTION, ["admin", "open", "off"] as const, "admin", "INTROSPECTION"),
    allowedOrigins: env.ALLOWED_ORIGINS ? env.ALLOWED_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean) : null,
    rateLimit: {
      requestsPerMinute: int(env.RATE_LIMIT_REQUESTS, 600, "RATE_LIMIT_REQUESTS"),
      costPerMinute: int(env.RATE_LIMIT_COST, 500_000, "RATE_LIMIT_COST"),
      authFailuresPerMinute: int(env.RATE_LIMIT_AUTH_FAILURES, 20, "RATE_LIMIT_AUTH_FAILURES"),
    },
    wsMaxPayload: int(env.WS_MAX_PAYLOAD, 64 * 1024, "WS_MAX_PAYLOAD"),
    auditFlushMs: int(env.AUDIT_FLUSH_MS, 200, "AUDIT_FLUSH_MS"),
    kevFeedUrl: env.KEV_FEED_URL ?? DEFAULT_KEV_FEED_URL,
    epssFeedUrl: env.EPSS_FEED_URL ?? DEFAULT_EPSS_FEED_URL,
    intelSchedule: env.INTEL_SCHEDULE || "23 6 * * *",
    eventRetentionDays: int(env.EVENT_RETENTION_DAYS, 30, "EVENT_RETENTION_DAYS"),
    eventSubscriberBuffer: Math.max(1, int(env.EVENT_SUBSCRIBER_BUFFER, 1000, "EVENT_SUBSCRIBER_BUFFER")),
    responseCache: {
      ttlMs: int(env.RESPONSE_CACHE_TTL_MS, 10_000, "RESPONSE_CACHE_TTL_MS"),
      maxBytes: int(env.RESPONSE_CACHE_MAX_BYTES, 64 * 1024 * 1024, "RESPONSE_CACHE_MAX_BYTES"),
    },
    webhookRetrySchedule: seconds(env.WEBHOOK_RETRY_SCHEDULE, "5,300,1800,7200,18000,36000,36000", "WEBHOOK_RETRY_SCHEDULE"),
    webhookAllowPrivate: bool(env.WEBHOOK_ALLOW_PRIVATE, false, "WEBHOOK_ALLOW_PRIVATE"),
    webhookTimeoutMs: Math.max(1, int(env.WEBHOOK_TIMEOUT_MS, 10_000, "WEBHOOK_TIMEOUT_MS")),
  };
}
