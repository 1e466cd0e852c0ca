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
