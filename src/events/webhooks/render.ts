import { execute, GraphQLError, GraphQLSchema, parse } from "graphql";
import type { LogEvent } from "../event-source";

/**
 * The webhook body is the event exactly as a findingEvents subscriber with
 * this selection receives it: the same resolvers execute the same document
 * (rootValue: the log event), so there is no second serialization to drift.
 */
export const WEBHOOK_EVENT_DOCUMENT = `subscription WebhookEvent {
  findingEvents {
    type cursor occurredAt
    finding {
      id title message severity state category ruleId tool toolVersion source analysisCategory
      repository { id fullName } organization { id name }
      location { path startLine endLine }
      priority { score level }
      vulnerabilityId cwes cvssScore packageName packageVersion fixedVersion
      firstSeenAt lastSeenAt fixedAt dismissReason owner dueAt
    }
    ocsf
  }
}`;

export type EventRenderer = (events: LogEvent[]) => Promise<Map<bigint, string>>;

/**
 * Renders a batch of events to JSON bodies (one execution per event, shared
 * by every webhook it goes to). `context()` gives a fresh execution context
 * per batch (its loaders see the events' current findings).
 * Events that fail to render are left out (the sender records the error).
 */
export function createRenderer(schema: GraphQLSchema, context: () => object, onError: (errors: readonly GraphQLError[], e: LogEvent) => void): EventRenderer {
  const document = parse(WEBHOOK_EVENT_DOCUMENT);
  return async (events) => {
    const ctx = context();
    const out = new Map<bigint, string>();
    await Promise.all(events.map(async (e) => {
      const result = await execute({ schema, document, rootValue: e, contextValue: ctx });
      const data = result.data?.findingEvents;
      if (result.errors?.length || !data) { onError(result.errors ?? [], e); return; }
      out.set(e.seq, JSON.stringify(data));
    }));
    return out;
  };
}
