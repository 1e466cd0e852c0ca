import { Config } from "./config";
import { createLogger, Logger } from "./common/logger";
import { App, startApp } from "./app";

/**
 * Runs the server as a process: starts it, prints the first-start admin token,
 * and on SIGTERM/SIGINT stops accepting, finishes in-flight requests, closes
 * sockets and the database.
 */
export async function serve(config: Config, afterStart?: (app: App, logger: Logger) => Promise<void>): Promise<App> {
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, { logger });
  if (app.adminToken) {
    // Printed once, on the first start; also in $DATA_DIR/admin-token (0600).
    process.stdout.write(`Admin API token: ${app.adminToken}\n`);
  }
  await afterStart?.(app, logger);
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
  return app;
}

export function fail(err: unknown): never {
  console.error(`Posturegraph failed to start: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.LOG_LEVEL === "debug") console.error(err);
  process.exit(1);
}
