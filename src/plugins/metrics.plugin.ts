import { ApolloServerPlugin } from "@apollo/server";
import { graphqlOperations } from "../common/metrics";

/** Counts GraphQL operations by type and outcome. */
export function metricsPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const type = rc.operation?.operation ?? "unknown";
          const body = rc.response.body;
          const failed = body.kind === "single" && !!body.singleResult.errors?.length;
          graphqlOperations.inc({ type, outcome: failed ? "error" : "ok" });
        },
      };
    },
  };
}
