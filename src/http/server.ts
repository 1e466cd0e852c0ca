import http from "node:http";
import express, { NextFunction, Request, Response } from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { GraphQLSchema } from "graphql";
import { WebSocketServer } from "ws";
import { DataSource } from "typeorm";
import { Config } from "../config";
import { Logger } from "../common/logger";
import { hasScope } from "../common/auth";
import { Scope } from "../common/types";
import { buildContext, Context } from "../context";
import { Services } from "../composition";
import { createErrorFormatter } from "../plugins/error-masking";
import { metricsPlugin } from "../plugins/metrics.plugin";
import { queryLimitsPlugin, queryLimitsRule } from "../plugins/query-limits.plugin";
import { introspectionPlugin } from "../plugins/introspection.plugin";
import { costLimitPlugin } from "../plugins/cost-limit.plugin";
import { executionTimeoutPlugin } from "../plugins/execution-timeout.plugin";
import { auditPlugin } from "../plugins/audit.plugin";
import { responseCachePlugin, SnapshotCache } from "../plugins/response-cache.plugin";
import { cachedResponses } from "./response-cache.http";
import { createWebSocketServer } from "./websocket";
import { graphqlContentType } from "./csrf";
import { declaredBodyLimit } from "./body-limit";
import { costBudget, createLimiters, Limiters, requestRateLimit } from "./rate-limit";
import { auditHttpWrites, auditRoutes } from "./audit.routes";
import { requestId, requireToken } from "./auth.middleware";
import { healthRoutes } from "./health.routes";
import { httpDuration, httpRequests, responseCache } from "../common/metrics";
import { extraRoutes } from "./routes";

export interface HttpServer {
  server: http.Server;
  apollo: ApolloServer<Context>;
  wss: WebSocketServer;
  limiters: Limiters;
  /** Closes the WebSocket connections of a token (revocation). */
  dropToken(tokenId: string): void;
  close(): Promise<void>;
}

export async function createHttpServer(ds: DataSource, services: Services, schema: GraphQLSchema, config: Config, logger: Logger): Promise<HttpServer> {
  const app = express();
  app.disable("x-powered-by");
  // Nothing here is served conditionally: hashing every response for an ETag cost ~2% CPU on 110 KB pages.
  app.set("etag", false);
  app.set("trust proxy", false);
  const server = http.createServer(app);
  const development = config.nodeEnv === "development";

  const limiters = createLimiters(config.rateLimit);
  const ws = createWebSocketServer(server, ds, services, schema, config, logger, limiters);
  const budget = costBudget(limiters.cost);
  const responses = new SnapshotCache(config.responseCache.maxBytes);

  const apollo = new ApolloServer<Context>({
    schema,
    // Introspection is a permission (introspection.plugin.ts), not a server switch.
    introspection: true,
    includeStacktraceInErrorResponses: development,
    hideSchemaDetailsFromClientErrors: !development,
    // A request that carries Authorization cannot be a CORS-simple request, and
    // every request here must carry it: that is the preflight guarantee CSRF
    // prevention wants, without breaking GET queries of plain HTTP clients.
    csrfPrevention: { requestHeaders: ["authorization", "x-apollo-operation-name", "apollo-require-preflight"] },
    allowBatchedHttpRequests: false,
    // Signals are handled once, in serve.ts, which stops everything in order.
    stopOnTerminationSignals: false,
    // Past this many tokens the parser gives up: bounds every later step.
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: [queryLimitsRule(config.limits)],
    // One validation error is enough for a client, and it lets the limits rule stop the walk (query-limits.plugin.ts).
    validationOptions: { maxErrors: 1 },
    formatError: createErrorFormatter({ development, logger }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      // We set no cache hints; the default cache-control plugin would still wrap every field resolver
      // (willResolveField): ~10% of the CPU of a 50-finding page in a profile.
      ApolloServerPluginCacheControlDisabled(),
      metricsPlugin(),
      { async serverWillStart() { return { async drainServer() { await ws.dispose(); } }; } },
      queryLimitsPlugin(),
      introspectionPlugin<Context>({ mode: config.introspection, isAdmin: (ctx) => hasScope(ctx.auth, Scope.ADMIN) }),
      costLimitPlugin<Context>({ maxCost: config.limits.maxCost, onCost: (cost, rc) => { rc.contextValue.queryCost = cost; budget(cost, rc.contextValue.auth?.tokenId); } }),
      executionTimeoutPlugin({ timeoutMs: config.limits.executionTimeoutMs }),
      responseCachePlugin<Context>({
        ...config.responseCache,
        cache: responses,
        cost: (ctx) => ctx.queryCost,
        snapshot: (ctx) => ctx.snapshot,
        principal: (ctx) => ctx.auth.tokenId,
        uncacheable: (ctx) => ctx.adminFields.length > 0,
        onResult: (result) => responseCache.inc({ result }),
      }),
      auditPlugin<Context>({
        adminFields: (ctx) => ctx.adminFields,
        record: (e, ctx) => services.audit.record({
          ...e, kind: "graphql", tokenId: ctx.auth.tokenId, tokenName: ctx.auth.tokenName, remoteAddress: ctx.remoteAddress, requestId: ctx.requestId,
        }),
      }),
    ],
  });
  await apollo.start();

  app.use(requestId);
  app.use((req, res, next) => {
    const end = httpDuration.startTimer({ route: routeLabel(req.path) });
    res.on("finish", () => {
      end();
      httpRequests.inc({ route: routeLabel(req.path), method: req.method, status: String(res.statusCode) });
    });
    next();
  });
  app.use(healthRoutes(ds));
  app.use("/graphql", graphqlContentType, declaredBodyLimit(config.graphqlBodyLimit, graphqlTooLarge));
  app.use(requireToken(services.tokens, limiters.authFailures));
  app.use(requestRateLimit(limiters.requests));
  app.use(auditHttpWrites(services));
  app.use(
    "/graphql",
    express.json({ limit: config.graphqlBodyLimit, type: ["application/json", "application/graphql-response+json"] }),
    cachedResponses(responses, { ttlMs: config.responseCache.ttlMs, charge: (cost, tokenId) => budget(cost, tokenId) }),
    expressMiddleware(apollo, { context: async ({ req }) => buildContext(ds, services, config, req.auth!, req.requestId, logger, req.socket.remoteAddress ?? null, req.snapshot) }),
  );
  app.use(auditRoutes(services));
  app.use(extraRoutes(ds, services, config, logger));
  app.use((_req, res) => { res.status(404).json({ error: { code: "NOT_FOUND", message: "No such endpoint" } }); });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === "entity.too.large") {
      res.status(413).json(req.path === "/graphql"
        ? graphqlTooLarge(config.graphqlBodyLimit)
        : { error: { code: "PAYLOAD_TOO_LARGE", message: "Request body over the size limit" } });
      return;
    }
    if (e.type === "entity.parse.failed" || e.status === 400) {
      res.status(400).json(req.path === "/graphql"
        ? { errors: [{ message: "The request body is not valid JSON", extensions: { code: "BAD_USER_INPUT" } }] }
        : { error: { code: "INVALID_JSON", message: "The request body is not valid JSON" } });
      return;
    }
    const ref = req.requestId;
    logger.error({ err, requestId: ref }, "unhandled HTTP error");
    res.status(500).json({ error: { code: "INTERNAL_SERVER_ERROR", message: `Internal server error (ref ${ref})` } });
  });

  return {
    server, apollo, wss: ws.wss, limiters,
    dropToken: (tokenId) => ws.dropToken(tokenId),
    async close() {
      await apollo.stop();
    },
  };
}

function graphqlTooLarge(limit: number) {
  return { errors: [{ message: `Request body over the ${limit} byte limit`, extensions: { code: "LIMIT_EXCEEDED", limit: "bodySize" } }] };
}

function routeLabel(path: string): string {
  if (path === "/graphql" || path === "/healthz" || path === "/readyz" || path === "/metrics") return path;
  if (path.startsWith("/ingest/")) return path.split("/").slice(0, 3).join("/");
  if (path.startsWith("/events")) return "/events";
  return "other";
}
