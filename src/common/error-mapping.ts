import { AppError, DomainError, type ErrorCode } from "./errors";

/** HTTP status of each contract error code. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400, NOT_FOUND: 404, LIMIT_EXCEEDED: 413, CONFLICT: 409, INTERNAL_SERVER_ERROR: 500,
};

/** A domain error as the GraphQL error the contract names; anything else unchanged (the error formatter masks the unknown). */
export function toGraphQLError(err: unknown): unknown {
  if (err instanceof DomainError) return new AppError(err.kind, err.message, err.extensions);
  return err;
}

export interface HttpErrorAnswer { status: number; body: { error: { code: string; message: string } & Record<string, unknown> } }

/** HTTP status and body for a client error (domain or contract error); null for an unexpected one (a 500, logged by the caller). */
export function toHttpError(err: unknown): HttpErrorAnswer | null {
  if (err instanceof DomainError) {
    return { status: err.httpStatus ?? HTTP_STATUS[err.kind], body: { error: { code: err.code, message: err.message, ...err.httpDetails } } };
  }
  if (err instanceof AppError) {
    const code = String(err.extensions.code) as ErrorCode;
    const status = HTTP_STATUS[code] ?? 500;
    return status === 500 ? null : { status, body: { error: { code, message: err.message } } };
  }
  return null;
}
