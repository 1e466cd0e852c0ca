import { UserInputError } from "../common/errors";

/** Opaque event cursor: base64url("FindingEvent:<seq>"). Clients must not parse it. */
export function encodeEventCursor(seq: string): string {
  return Buffer.from(`FindingEvent:${seq}`, "utf8").toString("base64url");
}

/** The sequence behind a cursor, or a BAD_USER_INPUT error. */
export function decodeEventCursor(cursor: string, argName = "after"): bigint {
  const decoded = typeof cursor === "string" && cursor.length <= 64 ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const m = /^FindingEvent:(\d{1,19})$/.exec(decoded);
  if (!m) throw new UserInputError(`${argName}: "${String(cursor).slice(0, 80)}" is not a finding event cursor`);
  return BigInt(m[1]);
}
