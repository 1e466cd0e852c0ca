import "reflect-metadata";
import { AddressInfo } from "node:net";
import { Config } from "./config";
import { createLogger, Logger } from "./common/logger";
import { Database } from "./db/database";
import { openAppDatabase, createServices, Services } from "./composition";
import { getSchema } from "./graphql/schema";
import { createHttpServer, HttpServer } from "./http/server";
import { Scheduler } from "./sync";
import { deriveJobs, intelJobs, linkJobs } from "./jobs";
import { eventJobs } from "./events";
import { createRenderer } from "./events/webhooks";
import { buildContext } from "./context";
import { AuthInfo } from "./common/auth";
import { Scope } from "./common/types";

/** Whom webhook bodies are rendered for: every organization, read scope (webhooks are configured by unrestricted admins). */
const WEBHOOK_RENDER_AUTH: AuthInfo = { tokenId: "webhooks", tokenName: "webhooks", scopes: [Scope.READ], organizationIds: null };

export interface App {
  url: string;
  port: number;
  db: Database;
  services: Services;
  http: HttpServer;
  logger: Logger;
  /** The admin token created on this start (null when one already existed). */
  adminToken: string | null;
  scheduler: Scheduler;
  stop(): Promise<void>;
}

/**
 * Startup, in order: database (migrated) → services → admin token → schema →
 * HTTP + WebSocket → webhook feeder and sender. Tests start the same thing on port 0.
 */
export async function startApp(config: Config, options: { schema?: string; logger?: Logger; eventPollMs?: number } = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = await openAppDatabase(config, { schema: options.schema });
  const services = createServices(db.dataSource, config, logger);
  let http: HttpServer | undefined;
  try {
    const adminToken = await services.tokens.bootstrapAdmin(config.dataDir, config.adminToken);
    // Commits in this process always poke the reader. Other instances' commits arrive by Redis when REDIS_URL is set
    // (instead of LISTEN: no connection held per instance, works behind a transaction-pooling proxy), else by LISTEN on a
    // server; the embedded database has one connection and one process, so neither is needed there.
    await services.events.start({
      redis: config.redisUrl ? { url: config.redisUrl, channel: config.redisChannel } : undefined,
      listenUrl: db.embedded || config.redisUrl ? undefined : db.url,
      pollMs: options.eventPollMs,
    });
    const schema = await getSchema();
    http = await createHttpServer(db.dataSource, services, schema, config, logger);
    const h = http;
    services.tokens.onRevoke = (tokenId) => h.dropToken(tokenId);
    await new Promise<void>((resolve, reject) => {
      h.server.once("error", reject);
      h.server.listen(config.port, config.host, () => resolve());
    });
    // Webhook bodies: the findingEvents selection executed on the served schema (events/webhooks/render.ts).
    services.webhooks.runner.start(createRenderer(schema,
      () => buildContext(db.dataSource, services, config, WEBHOOK_RENDER_AUTH, "webhooks", logger),
      (errors, e) => logger.error({ errors: errors.map((x) => x.message), seq: e.seq.toString() }, "rendering a webhook event failed")));
    const port = (http.server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    const scheduler = new Scheduler(logger);
    if (config.scheduler) {
      for (const job of [...deriveJobs(db.dataSource, services), ...linkJobs(services, db.dataSource), ...intelJobs(services, config), ...eventJobs(db.dataSource, config.eventRetentionDays)]) scheduler.add(job);
      await services.sync.attachScheduler(scheduler);
    }
    let stopping: Promise<void> | undefined;
    return {
      url, port, db, services, http, logger, adminToken, scheduler,
      stop() {
        stopping ??= (async () => {
          scheduler.stop();
          // Webhook requests in flight finish and are recorded; queued deliveries stay for the next start.
          await services.webhooks.runner.stop();
          await services.events.stop();
          // Running syncs record what they did before the database closes.
          await services.sync.stop();
          await h.close();
          logger.debug("http server closed");
          await services.audit.flush();
          await db.close();
          logger.debug("database closed");
        })();
        return stopping;
      },
    };
  } catch (err) {
    await services.webhooks.runner.stop().catch(() => undefined);
    await services.events.stop().catch(() => undefined);
    await http?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}
