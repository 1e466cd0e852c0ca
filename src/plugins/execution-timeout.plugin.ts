import { ApolloServerPlugin } from "@apollo/server";
import { GraphQLSchema, isObjectType } from "graphql";
import { LimitExceededError } from "../common/errors";

export interface ExecutionTimeoutOptions {
  /** Milliseconds an operation may execute (default 10,000; 0 disables). */
  timeoutMs?: number;
}

/** Where the plugin leaves the request's deadline on its context (epoch ms). */
const DEADLINE = Symbol("executionDeadline");
type WithDeadline = { [DEADLINE]?: { at: number; timeoutMs: number; timedOut: boolean } };

/**
 * Makes every field that has a resolver (root fields, relations, computed
 * fields: everything that can query the database) check the request's
 * deadline first. Plain properties have no resolver and pay nothing — Apollo's
 * per-field hook (willResolveField) would wrap all ~1,000 fields of a page.
 * Applied once to the schema; a context without a deadline (subscriptions) is
 * never checked.
 */
export function withExecutionDeadline(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args, context: WithDeadline, info) => {
        const d = context?.[DEADLINE];
        if (d && Date.now() > d.at) {
          d.timedOut = true;
          throw new LimitExceededError(`Execution took longer than ${d.timeoutMs} ms`, "timeout");
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

/**
 * graphql-js cannot abort an execution, so after the deadline every field
 * with a resolver that starts fails instead (withExecutionDeadline): no
 * further resolver and no further database query runs, and the response ends
 * with one LIMIT_EXCEEDED error. A single slow database query is bounded by
 * the database, not by this.
 */
export function executionTimeoutPlugin<T extends object>(options: ExecutionTimeoutOptions = {}): ApolloServerPlugin<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async requestDidStart() {
      if (!timeoutMs) return;
      let state: WithDeadline[typeof DEADLINE];
      return {
        async executionDidStart(rc) {
          state = { at: Date.now() + timeoutMs, timeoutMs, timedOut: false };
          (rc.contextValue as WithDeadline)[DEADLINE] = state;
        },
        async willSendResponse(rc) {
          // Keep one timeout error instead of one per abandoned field.
          const body = rc.response.body;
          if (!state?.timedOut || body.kind !== "single" || !body.singleResult.errors) return;
          let kept = false;
          body.singleResult.errors = body.singleResult.errors.filter((e) => {
            if (e.extensions?.limit !== "timeout") return true;
            if (kept) return false;
            kept = true;
            return true;
          });
        },
      };
    },
  };
}
