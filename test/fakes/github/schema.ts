import { buildSchema, GraphQLSchema } from "graphql";

let cached: Promise<GraphQLSchema> | undefined;

/**
 * GitHub's real GraphQL schema from @octokit/graphql-schema (ESM: dynamic
 * import). Built from the IDL, which is current where schema.json lags
 * (connectors.md §1.5), so fields GitHub serves (cvssSeverities) validate.
 */
export function githubSchema(): Promise<GraphQLSchema> {
  cached ??= import("@octokit/graphql-schema").then((m) => buildSchema(m.schema.idl, { assumeValidSDL: true }));
  return cached;
}
