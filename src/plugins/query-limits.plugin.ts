import { ApolloServerPlugin } from "@apollo/server";
import { DocumentNode, GraphQLError, GraphQLSchema, validate, ValidationRule } from "graphql";
import { LimitExceededError } from "../common/errors";
import { maxAliasesRule } from "./max-aliases.rule";
import { maxDepthRule } from "./max-depth.rule";
import { maxDirectivesRule } from "./max-directives.rule";
import { maxFieldDuplicatesRule } from "./max-field-duplicates.rule";

export interface QueryLimitOptions {
  maxDepth?: number;
  maxAliases?: number;
  maxDirectives?: number;
  maxFieldDuplicates?: number;
}

export function limitRules(options: QueryLimitOptions = {}): ValidationRule[] {
  return [
    maxFieldDuplicatesRule({ maxDuplicates: options.maxFieldDuplicates }),
    maxAliasesRule({ maxAliases: options.maxAliases }),
    maxDirectivesRule({ maxDirectives: options.maxDirectives }),
    maxDepthRule({ maxDepth: options.maxDepth }),
  ];
}

/**
 * Runs the limit rules alone over a parsed document; the first limit hit, or
 * null. Each rule throws on its first violation, which stops the walk at once.
 */
export function checkLimits(schema: GraphQLSchema, document: DocumentNode, rules: ValidationRule[]): GraphQLError | null {
  try {
    const errors = validate(schema, document, rules, { maxErrors: 1 });
    return errors[0] ?? null;
  } catch (err) {
    if (err instanceof LimitExceededError) return err;
    throw err;
  }
}

/**
 * The limit rules run BEFORE graphql-js's own validation: some of the standard
 * rules are quadratic (overlapping fields) or report one error per node
 * (directives), which is exactly what the attacks exploit. Apollo only
 * appends custom rules after the standard ones, so this plugin checks in
 * validationDidStart and throws: Apollo answers with that error (HTTP 400).
 * Documents already in Apollo's validated-document cache passed these rules.
 */
export function queryLimitsPlugin<T extends object>(options: QueryLimitOptions = {}): ApolloServerPlugin<T> {
  const rules = limitRules(options);
  return {
    async requestDidStart() {
      return {
        async validationDidStart(rc) {
          const error = rc.document ? checkLimits(rc.schema, rc.document, rules) : null;
          if (error) throw withStatus(error, 400);
        },
      };
    },
  };
}

export function withStatus(error: GraphQLError, status: number, headers?: Record<string, string>): GraphQLError {
  const http = { status, headers: new Map(Object.entries(headers ?? {})) };
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http } });
}
