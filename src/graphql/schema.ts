import "reflect-metadata";
import { GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { GraphQLDateTime } from "graphql-scalars";
import { AuthChecker, buildSchema, getMetadataStorage } from "type-graphql";
import { withExecutionDeadline } from "../plugins/execution-timeout.plugin";
import { Context } from "../context";
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

/**
 * Plain properties (no arguments, no auth, no middleware, same name in the
 * schema) resolve with graphql-js's default resolver instead of a type-graphql
 * wrapper each: a page of 50 findings resolves ~1,000 of them. A field renamed
 * in the schema (`id` from `nodeId`) keeps its wrapper, which reads the property.
 */
function simplePlainFields(): void {
  for (const f of getMetadataStorage().fields) {
    if (f.simple === undefined && f.name === f.schemaName && !f.roles?.length && !f.middlewares?.length && !f.params?.length) f.simple = true;
  }
}

export function getSchema(): Promise<GraphQLSchema> {
  if (!cached) simplePlainFields();
  cached ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: "error",
    validate: false,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    emitSchemaFile: false,
    // Subscriptions bring their own event streams (EventHub); nothing publishes through this.
    pubSub: { publish: () => undefined, subscribe: () => { throw new Error("no pubSub topics: subscriptions use their own subscribe function"); } },
  }).then(withExecutionDeadline);
  return cached;
}

/** The SDL committed as schema/schema.graphql. */
export async function printServedSchema(): Promise<string> {
  return printSchema(lexicographicSortSchema(await getSchema())) + "\n";
}
