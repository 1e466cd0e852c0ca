import http from "node:http";
import { DocumentNode, getOperationAST, GraphQLError, GraphQLSchema, parse, validate } from "graphql";
import { WebSocketServer } from "ws";
import { useServer } from "graphql-ws/use/ws";
import { DataSource } from "typeorm";
import { Config } from "../config";
import { Logger } from "../common/logger";
import { AuthInfo, hasScope } from "../common/auth";
import { Scope } from "../common/types";
import { AppError, LimitExceededError } from "../common/errors";
import { buildContext } from "../context";
import { Services } from "../composition";
import { checkLimits, limitRules } from "../plugins/query-limits.plugin";
import { estimateCost } from "../plugins/cost-limit.plugin";
import { introspectionUse } from "../plugins/introspection.plugin";
import { createErrorFormatter } from "../plugins/error-masking";
import { bearerToken } from "./auth.middleware";
import { originAllowed } from "./csrf";
import { costBudget, Limiters } from "./rate-limit";
import { subscriptions } from "../common/metrics";
import { createEventDelivery } from "./ws-event-delivery";

type Socket = { close(code: number, reason: string): void };

/**
 * graphql-ws on /graphql with the same guards as HTTP: Origin check at the
 * upgrade, token in connection_init (failed attempts limited per address), and
 * per subscription the parser token limit, the limit rules before validation,
 * introspection permission, cost limit and the token's budgets. Sockets are
 * indexed by token so a revocation closes them (4401); a sweep also closes
 * those whose token was revoked elsewhere (another instance) or expired.
 */
export function createWebSocketServer(server: http.Server, ds: DataSource, services: Services, schema: GraphQLSchema, config: Config, logger: Logger, limiters: Limiters) {
  const wss = new WebSocketServer({
    server, path: "/graphql", maxPayload: config.wsMaxPayload,
    verifyClient: (info, done) => {
      if (originAllowed(info.origin, info.req.headers.host, config.allowedOrigins)) done(true);
      else done(false, 403, "Origin not allowed");
    },
  });
  const socketsByToken = new Map<string, Set<Socket>>();
  const rules = limitRules(config.limits);
  const budget = costBudget(limiters.cost);
  const format = createErrorFormatter({ development: config.nodeEnv === "development", logger });
  const delivery = createEventDelivery({
    context: (auth) => buildContext(ds, services, config, auth, "ws-events", logger),
    formatErrors: (errors) => errors.map((e) => format(e.toJSON(), e)),
  });

  const cleanup = useServer<Record<string, unknown>, { auth?: AuthInfo }>({
    schema,
    // findingEvents: one execution and serialization per event for all subscribers asking the same (ws-event-delivery.ts).
    subscribe: (args) => delivery.subscribe(args),
    onConnect: async (ctx) => {
      const address = ctx.extra.request.socket.remoteAddress ?? "unknown";
      if (limiters.authFailures.retryAfter(address) > 0) {
        ctx.extra.socket.close(4429, "Too many failed authentication attempts");
        return false;
      }
      const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      const token = typeof header === "string" ? bearerToken(header) ?? header : null;
      const auth = token ? await services.tokens.verify(token) : null;
      if (!auth) {
        if (token) limiters.authFailures.charge(address);
        return false; // graphql-ws closes with 4403 Forbidden
      }
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
    onSubscribe: (ctx, id, payload) => {
      const auth = ctx.extra.auth!;
      if (!limiters.requests.take(auth.tokenId)) return [new LimitExceededError("Too many requests for this token", "rateLimit")];
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: config.limits.maxTokens });
      } catch (err) {
        return [err instanceof GraphQLError ? err : new GraphQLError("Syntax error")];
      }
      const limit = checkLimits(schema, document, rules);
      if (limit) return [limit];
      const errors = validate(schema, document);
      if (errors.length) return errors;
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [new AppError("BAD_USER_INPUT", "No operation to run (give operationName)")];
      const variables = payload.variables ?? {};
      const intro = introspectionUse(document, operation);
      if (intro.used && (config.introspection === "off" || (config.introspection === "admin" && !hasScope(auth, Scope.ADMIN)))) {
        return [new AppError("FORBIDDEN", "Introspection needs a token with the admin scope")];
      }
      const cost = estimateCost(schema, document, operation, variables);
      if (cost > config.limits.maxCost) return [new LimitExceededError(`Estimated query cost ${cost} is over the limit of ${config.limits.maxCost}`, "cost")];
      try { budget(cost, auth.tokenId); } catch (err) { return [err as GraphQLError]; }
      subscriptions.inc();
      // The socket lets the event stream close a subscriber that falls behind.
      const contextValue = { ...buildContext(ds, services, config, auth, `ws-${id}`, logger, ctx.extra.request.socket.remoteAddress ?? null), connection: ctx.extra.socket };
      delivery.register(contextValue, { socket: ctx.extra.socket, id, query: payload.query, auth });
      return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue };
    },
    onComplete: () => { subscriptions.dec(); },
    // Same masking as HTTP: codes, no suggestions, no stack traces, correlation IDs.
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => format(e.toJSON(), e)),
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) } : undefined),
  }, wss);

  const sweep = setInterval(() => {
    const ids = [...socketsByToken.keys()];
    if (!ids.length) return;
    services.tokens.stillValid(ids).then((valid) => {
      for (const tokenId of ids) if (!valid.has(tokenId)) dropToken(tokenId, "Token revoked or expired");
    }, (err) => logger.warn({ err }, "WebSocket token sweep failed"));
  }, 15_000);
  sweep.unref();

  function dropToken(tokenId: string, reason = "Token revoked"): void {
    for (const socket of socketsByToken.get(tokenId) ?? []) socket.close(4401, reason);
    socketsByToken.delete(tokenId);
  }

  return {
    wss,
    dropToken,
    async dispose() {
      clearInterval(sweep);
      await cleanup.dispose();
    },
  };
}
