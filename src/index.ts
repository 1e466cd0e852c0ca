import { loadConfig } from "./config";
import { createLogger } from "./common/logger";
import { startApp } from "./app";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.databaseUrl && !config.secretKey) {
    throw new Error("SECRET_KEY is required when DATABASE_URL is set (it encrypts connector credentials at rest)");
  }
  const app = await startApp(config, { logger });
  if (app.adminToken) {
    // Printed once, on the first start; also in $DATA_DIR/admin-token (0600).
    process.stdout.write(`Admin API token: ${app.adminToken}\n`);
  }
  logger.info({ url: `${app.url}/graphql`, database: app.db.embedded ? `embedded (${config.dataDir})` : "server" }, "Posturegraph is serving");

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    const force = setTimeout(() => { logger.error("shutdown timed out"); process.exit(1); }, 15_000);
    force.unref();
    app.stop().then(() => { logger.info("stopped"); process.exit(0); }, (err) => { logger.error({ err }, "shutdown failed"); process.exit(1); });
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err) => {
  console.error(`Posturegraph failed to start: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.LOG_LEVEL === "debug") console.error(err);
  process.exit(1);
});
