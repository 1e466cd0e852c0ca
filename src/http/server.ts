import http from "node:http";
import express, { NextFunction, Request, Response } from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { GraphQLSchema } from "graphql";
import { WebSocketServer } from "ws";
import { useServer } from "graphql-ws/use/ws";
import { DataSource } from "typeorm";
import { Config } from "../config";
import { Logger } from "../common/logger";
import { AuthInfo } from "../common/auth";
import { buildContext, Context } from "../common/context";
import { Services } from "../services";
import { createErrorFormatter } from "../plugins/error-masking";
import { metricsPlugin } from "../plugins/metrics.plugin";
import { bearerToken, requestId, requireToken } from "./auth.middleware";
import { healthRoutes } from "./health.routes";
import { httpDuration, httpRequests, subscriptions } from "./metrics";
import { extraRoutes } from "./routes";

export interface HttpServer {
  server: http.Server;
  apollo: ApolloServer<Context>;
  wss: WebSocketServer;
  /** Closes the WebSocket connections of a token (revocation). */
  dropToken(tokenId: string): void;
  close(): Promise<void>;
}

export async function createHttpServer(ds: DataSource, services: Services, schema: GraphQLSchema, config: Config, logger: Logger): Promise<HttpServer> {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  const server = http.createServer(app);
  const development = config.nodeEnv === "development";

  const wss = new WebSocketServer({ server, path: "/graphql", maxPayload: 64 * 1024 });
  const socketsByToken = new Map<string, Set<{ close(code: number, reason: string): void }>>();
  const wsCleanup = useServer<Record<string, unknown>, { auth?: AuthInfo }>({
    schema,
    onConnect: async (ctx) => {
      const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      const token = typeof header === "string" ? bearerToken(header) ?? header : null;
      const auth = token ? await services.tokens.verify(token) : null;
      if (!auth) return false; // graphql-ws closes with 4403 Forbidden
      ctx.extra.auth = auth;
      const set = socketsByToken.get(auth.tokenId) ?? new Set();
      set.add(ctx.extra.socket);
      socketsByToken.set(auth.tokenId, set);
      return true;
    },
    onClose: (ctx) => {
      const auth = ctx.extra.auth;
      if (auth) socketsByToken.get(auth.tokenId)?.delete(ctx.extra.socket);
    },
    onSubscribe: () => { subscriptions.inc(); },
    onComplete: () => { subscriptions.dec(); },
    context: (ctx) => buildContext(ds, services, config, ctx.extra.auth!, `ws-${Math.random().toString(36).slice(2, 10)}`, logger),
  }, wss);

  const apollo = new ApolloServer<Context>({
    schema,
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
    formatError: createErrorFormatter({ development, logger }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      metricsPlugin(),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
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
  app.use(requireToken(services.tokens));
  app.use(
    "/graphql",
    express.json({ limit: config.graphqlBodyLimit, type: ["application/json", "application/graphql-response+json"] }),
    expressMiddleware(apollo, { context: async ({ req }) => buildContext(ds, services, config, req.auth!, req.requestId, logger) }),
  );
  app.use(extraRoutes(ds, services, config, logger));
  app.use((_req, res) => { res.status(404).json({ error: { code: "NOT_FOUND", message: "No such endpoint" } }); });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === "entity.too.large") {
      res.status(413).json(req.path === "/graphql"
        ? { errors: [{ message: `Request body over the ${config.graphqlBodyLimit} byte limit`, extensions: { code: "LIMIT_EXCEEDED", limit: "bodySize" } }] }
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
    server, apollo, wss,
    dropToken(tokenId) {
      for (const socket of socketsByToken.get(tokenId) ?? []) socket.close(4401, "Token revoked");
      socketsByToken.delete(tokenId);
    },
    async close() {
      await apollo.stop();
    },
  };
}

function routeLabel(path: string): string {
  if (path === "/graphql" || path === "/healthz" || path === "/readyz" || path === "/metrics") return path;
  if (path.startsWith("/ingest/")) return path.split("/").slice(0, 3).join("/");
  if (path.startsWith("/events")) return "/events";
  return "other";
}
