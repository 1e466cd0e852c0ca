import { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { Logger } from "../common/logger";
import { AppError, DomainError } from "../common/errors";
import { toGraphQLError } from "../common/error-mapping";

const PUBLIC_CODES = new Set(["UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "LIMIT_EXCEEDED", "CONFLICT", "INTERNAL_SERVER_ERROR"]);
// Apollo's own codes for requests it could not run: all the caller's doing.
const TOKEN_LIMIT = /Document contains more tha[nt] \d+ tokens/;
const CLIENT_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST", "OPERATION_RESOLUTION_FAILURE", "PERSISTED_QUERY_NOT_SUPPORTED", "PERSISTED_QUERY_NOT_FOUND"]);

/**
 * Every error leaves with a contract code. Unknown errors are masked with a
 * correlation ID that the log line carries; "Did you mean" suggestions (a
 * schema-probing aid) and stack traces appear only in development.
 */
export function createErrorFormatter(options: { development: boolean; logger: Logger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    // A domain error thrown below the resolvers: its contract code and extensions, mapped in one place.
    if (unwrapped instanceof DomainError) {
      const mapped = toGraphQLError(unwrapped) as AppError;
      return { message: mapped.message, locations: formatted.locations, path: formatted.path, extensions: mapped.extensions };
    }
    const code = String(formatted.extensions?.code ?? "");
    const original = unwrapped as { extensions?: { code?: string } } | undefined;
    const originalCode = original?.extensions?.code;
    let message = formatted.message;
    if (!options.development) message = message.replace(/ ?Did you mean .*\?$/, "");
    const base = { message, locations: formatted.locations, path: formatted.path };
    if (PUBLIC_CODES.has(code) && (code !== "INTERNAL_SERVER_ERROR" || originalCode === "INTERNAL_SERVER_ERROR")) {
      const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
      return { ...base, extensions: options.development ? formatted.extensions : ext };
    }
    // The parser's token limit (parseOptions.maxTokens) surfaces as a syntax error.
    if (code === "GRAPHQL_PARSE_FAILED" && TOKEN_LIMIT.test(formatted.message)) {
      return { message: "Query has more tokens than the limit (parser maxTokens)", extensions: { code: "LIMIT_EXCEEDED", limit: "tokens" } };
    }
    // graphql-js's own bound on circular introspection (MaxIntrospectionDepthRule).
    if (code === "GRAPHQL_VALIDATION_FAILED" && formatted.message === "Maximum introspection depth exceeded") {
      return { ...base, extensions: { code: "LIMIT_EXCEEDED", limit: "introspection" } };
    }
    // A limit or contract error that Apollo wrapped (validation, parsing) keeps its own code and `limit`.
    const wrappedCode = (error as { originalError?: { extensions?: { code?: unknown } } } | undefined)?.originalError?.extensions?.code;
    if (CLIENT_CODES.has(code) && typeof wrappedCode === "string" && PUBLIC_CODES.has(wrappedCode) && wrappedCode !== "INTERNAL_SERVER_ERROR") {
      const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
      return { ...base, extensions: { ...ext, code: wrappedCode } };
    }
    if (CLIENT_CODES.has(code)) return { ...base, extensions: { code: "BAD_USER_INPUT" } };
    if (code === "PERSISTED_QUERY_NOT_FOUND") return { ...base, extensions: { code: "BAD_USER_INPUT" } };
    const ref = Math.random().toString(36).slice(2, 10);
    options.logger.error({ err: original ?? error, ref, path: formatted.path }, "internal error");
    return {
      message: options.development ? formatted.message : `Internal server error (ref ${ref})`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: "INTERNAL_SERVER_ERROR", ref },
    };
  };
}
