import { ApolloServerPlugin } from "@apollo/server";
import { LimitExceededError } from "../common/errors";

export interface ExecutionTimeoutOptions {
  /** Milliseconds an operation may execute (default 10,000; 0 disables). */
  timeoutMs?: number;
}

/**
 * graphql-js cannot abort an execution, so after the deadline every field
 * that starts resolving fails instead: no further resolver (and no further
 * database query) runs, and the response ends with one LIMIT_EXCEEDED error.
 * The check is a clock read per field; the hook returns nothing, so Apollo adds
 * no per-field promise. A single slow database query is bounded by the
 * database, not by this.
 */
export function executionTimeoutPlugin<T extends object>(options: ExecutionTimeoutOptions = {}): ApolloServerPlugin<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async requestDidStart() {
      if (!timeoutMs) return;
      let deadline = Infinity;
      let timedOut = false;
      return {
        async executionDidStart() {
          deadline = Date.now() + timeoutMs;
          return {
            willResolveField() {
              if (Date.now() > deadline) {
                timedOut = true;
                throw new LimitExceededError(`Execution took longer than ${timeoutMs} ms`, "timeout");
              }
            },
          };
        },
        async willSendResponse(rc) {
          // Keep one timeout error instead of one per abandoned field.
          const body = rc.response.body;
          if (!timedOut || body.kind !== "single" || !body.singleResult.errors) return;
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
