import { ApolloServerPlugin } from "@apollo/server";
import { ASTVisitor, DocumentNode, GraphQLError, GraphQLSchema, validate, ValidationContext, ValidationRule } from "graphql";
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
 * The limit rules must run BEFORE graphql-js's own rules: some of those are
 * quadratic (overlapping fields) or report one error per node (directives),
 * which is exactly what the attacks exploit. Apollo appends custom rules after
 * the standard ones and runs them all in one parallel walk, so this rule does
 * its whole check when the walk enters the Document node — before any
 * selection set is visited — and reports the limit error twice: with
 * validationOptions.maxErrors = 1 (set beside it) the second report aborts
 * the walk at once. Documents in Apollo's validated-document cache passed it.
 */
export function queryLimitsRule(options: QueryLimitOptions = {}): ValidationRule {
  const rules = limitRules(options);
  return (context: ValidationContext): ASTVisitor => ({
    Document: {
      enter(node) {
        const error = checkLimits(context.getSchema(), node, rules);
        if (!error) return;
        context.reportError(error);
        context.reportError(error);
      },
    },
  });
}

/** Drops graphql-js's "Too many validation errors" companion of a limit error. */
export function queryLimitsPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          if (body.kind !== "single" || body.singleResult.errors?.[0]?.extensions?.code !== "LIMIT_EXCEEDED") return;
          body.singleResult.errors = body.singleResult.errors.filter((e) => !TOO_MANY.test(e.message));
        },
      };
    },
  };
}

const TOO_MANY = /^Too many validation errors/;

export function withStatus(error: GraphQLError, status: number, headers?: Record<string, string>): GraphQLError {
  const http = { status, headers: new Map(Object.entries(headers ?? {})) };
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http } });
}
