import pino, { Logger } from "pino";

/** Paths whose values never reach a log line, wherever they appear. */
export const REDACT_PATHS = [
  "token",
  "*.token",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "privateKey",
  "*.privateKey",
  "credentials",
  "*.credentials",
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  "headers.authorization",
];

export function createLogger(level = "info"): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: undefined });
}

export type { Logger };
