import "reflect-metadata";
import { GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { GraphQLDateTime } from "graphql-scalars";
import { AuthChecker, buildSchema } from "type-graphql";
import { Context } from "../common/context";
import { ForbiddenError, UnauthenticatedError } from "../common/errors";
import { Scope } from "../common/types";
import { RESOLVERS } from "../resolvers";

/**
 * Scopes are declared beside each resolver with @Authorized(Scope.X); this is
 * the one place that checks them. @Authorized() with no scope needs only a
 * valid token.
 */
export const authChecker: AuthChecker<Context, Scope> = ({ context, info }, scopes) => {
  if (!context.auth) throw new UnauthenticatedError();
  // Admin actions are audited, attempts included (audit.plugin.ts).
  if (scopes.includes(Scope.ADMIN) && !info.path.prev && !context.adminFields.includes(info.fieldName)) context.adminFields.push(info.fieldName);
  const missing = scopes.filter((s) => !context.auth.scopes.includes(s));
  if (missing.length) throw new ForbiddenError(`This token lacks the ${missing.map((s) => s.toLowerCase()).join(", ")} scope`);
  return true;
};

let cached: Promise<GraphQLSchema> | undefined;

export function getSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: "error",
    validate: false,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    emitSchemaFile: false,
    // Subscriptions bring their own event streams (EventHub); nothing publishes through this.
    pubSub: { publish: () => undefined, subscribe: () => { throw new Error("no pubSub topics: subscriptions use their own subscribe function"); } },
  });
  return cached;
}

/** The SDL committed as schema/schema.graphql. */
export async function printServedSchema(): Promise<string> {
  return printSchema(lexicographicSortSchema(await getSchema())) + "\n";
}
