import { GraphQLError } from "graphql";

/** Error codes of the public contract (contract.md, "Errors"). */
export type ErrorCode =
  | "UNAUTHENTICATED" | "FORBIDDEN" | "BAD_USER_INPUT" | "NOT_FOUND" | "LIMIT_EXCEEDED" | "CONFLICT" | "INTERNAL_SERVER_ERROR";

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}
export class UserInputError extends AppError {
  constructor(message: string, extra: Record<string, unknown> = {}) { super("BAD_USER_INPUT", message, extra); }
}
export class NotFoundError extends AppError {
  constructor(message: string) { super("NOT_FOUND", message); }
}
export class ForbiddenError extends AppError {
  constructor(message = "This token does not have the scope this operation needs") { super("FORBIDDEN", message); }
}
export class UnauthenticatedError extends AppError {
  constructor(message = "A valid API token is required") { super("UNAUTHENTICATED", message); }
}
export class LimitExceededError extends AppError {
  constructor(message: string, limit: string) { super("LIMIT_EXCEEDED", message, { limit }); }
}
export class ConflictError extends AppError {
  constructor(message: string) { super("CONFLICT", message); }
}

/**
 * An error found below the API layer (a parser, a service): the caller's
 * input is wrong or too large. It carries its own machine-readable `code`
 * (e.g. INVALID_SARIF) and the contract's `kind`; error-mapping.ts turns it
 * into a GraphQL error or an HTTP answer, in one place.
 */
export class DomainError extends Error {
  constructor(
    /** Machine-readable reason, sent as `error.code` in HTTP answers. */
    readonly code: string,
    message: string,
    /** The contract's error code (GraphQL `extensions.code`). */
    readonly kind: ErrorCode = "BAD_USER_INPUT",
    /** Further GraphQL extensions (e.g. `reason`, `limit`, `field`). */
    readonly extensions: Record<string, unknown> = {},
    /** Further members of the HTTP error body (e.g. `field`, `line`). */
    readonly httpDetails: Record<string, unknown> = {},
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
