import { UserInputError } from "./errors";

/**
 * Opaque Relay global IDs: base64url("Type:uuid"). Clients must not parse them;
 * we do, to route node(id:) and to reject an ID of the wrong type.
 */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, "utf8").toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  if (typeof globalId !== "string" || globalId.length > 200) return null;
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const i = decoded.indexOf(":");
  if (i <= 0) return null;
  const type = decoded.slice(0, i);
  const id = decoded.slice(i + 1);
  if (!/^[A-Za-z]+$/.test(type) || !isUuid(id)) return null;
  return { type, id: id.toLowerCase() };
}

/** The database id behind a global ID of the expected type, or a BAD_USER_INPUT error. */
export function expectId(globalId: string, type: string, argName = "id"): string {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.type !== type) throw new UserInputError(`${argName}: "${String(globalId).slice(0, 80)}" is not a ${type} ID`);
  return parsed.id;
}

/** Like expectId but returns null for a well-formed ID of another type or a malformed one. */
export function tryId(globalId: string, type: string): string | null {
  const parsed = fromGlobalId(globalId);
  return parsed && parsed.type === type ? parsed.id : null;
}
