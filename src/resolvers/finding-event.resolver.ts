import { GraphQLJSON } from "graphql-scalars";
import { Arg, Authorized, Ctx, Field, FieldResolver, ObjectType, Resolver, Root, Subscription } from "type-graphql";
import { Context } from "../context";
import { FindingEventType, Scope } from "../common/types";
import { Finding } from "../entities";
import type { LogEvent } from "../events";
import { FindingFilter } from "./types/finding.inputs";

@ObjectType("FindingEvent", { description: "A material change of a finding, from the event log." })
export class FindingEventObject {
  @Field(() => String, { description: "Opaque position in the event log: pass it as `after` to resume right after this event." })
  cursor: string;
  @Field(() => FindingEventType) type: FindingEventType;
  @Field(() => Date, { description: "When the change happened (the load or action that made it)." }) occurredAt: Date;
  @Field(() => GraphQLJSON, { description: "The event as OCSF 1.3.0 (Vulnerability, Compliance or Detection Finding), for SIEMs." })
  ocsf: Record<string, unknown>;
  /** The log event behind it (the finding's current row, read once per batch). */
  event: LogEvent;
}

interface FindingEventsArgs { filter?: FindingFilter | null; after?: string | null }

@Resolver(() => FindingEventObject)
export class FindingEventResolver {
  @Authorized(Scope.READ)
  @Subscription(() => FindingEventObject, {
    description: "Finding events as they are committed. With `after` (an event cursor), every matching event after it is delivered first, "
      + "in order, then live ones: a client that reconnects with its last cursor misses nothing and sees nothing twice. "
      + "A cursor older than the retention window is a BAD_USER_INPUT error. A subscriber that does not keep up is closed "
      + "(code 1013, \"subscriber too slow: resume from your last cursor\").",
    subscribe: ({ args, context }) => {
      const ctx = context as Context;
      const a = args as FindingEventsArgs;
      return ctx.services.events.subscribe(ctx.access, a.filter, a.after, ctx.connection);
    },
  })
  findingEvents(
    @Root() event: LogEvent,
    @Arg("filter", () => FindingFilter, { nullable: true, description: "The same filter as `findings`, evaluated on the finding's current state." }) _filter: FindingFilter | undefined,
    @Arg("after", () => String, { nullable: true, description: "Resume after this event cursor." }) _after: string | undefined,
  ): FindingEventObject {
    return { cursor: event.cursor, type: event.type, occurredAt: event.occurredAt, ocsf: event.ocsf(), event };
  }

  @FieldResolver(() => Finding, { description: "The finding as it is now." })
  finding(@Root() e: FindingEventObject, @Ctx() ctx: Context): Promise<Finding | null> {
    // The batch already read the current row: hand it to this subscription's loader (fresh, not a cached older one).
    return ctx.loaders.finding.clear(e.event.findingId).prime(e.event.findingId, e.event.finding).load(e.event.findingId);
  }
}
