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
  "connectionParams.authorization",
  // One level deeper (pino's wildcards match one level): {audit: {variables: {token}}}, {input: {credentials}}.
  "*.*.token",
  "*.*.secret",
  "*.*.password",
  "*.*.credentials",
  "*.*.authorization",
  "*.*.privateKey",
];

/** `destination`: where lines go (stdout by default; tests capture them to check nothing secret is logged). */
export function createLogger(level = "info", destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: undefined };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
