/**
 * Set-based writes with ONE bind parameter for all rows: the rows as a JSON
 * array, unpacked by `json_to_recordset`. One native JSON.stringify replaces a
 * PostgreSQL array literal per column that `pg` builds by escaping every
 * element in JavaScript (a third of the server CPU of a 25,000-row insert,
 * with the garbage it made), and a row may carry arrays (`text[]`) and
 * objects (`jsonb`) as they are.
 */

// NUL and lone surrogates: valid in a JavaScript string and in JSON, refused by PostgreSQL text and jsonb.
const UNSTORABLE = /\\u0000|\\ud[89a-f]/i;
const clean = (_key: string, v: unknown) => (typeof v === "string" ? storable(v) : v);

/** The rows as a JSON parameter; strings PostgreSQL cannot store get U+FFFD in place of the offending characters. */
export function jsonRows(rows: readonly object[]): string {
  const text = JSON.stringify(rows);
  // The cheap test finds every case (it may also match an escaped backslash before "u0000": then the slow path is merely exact).
  return UNSTORABLE.test(text) ? JSON.stringify(rows, clean) : text;
}

/** `json_to_recordset($n::json) AS alias(col type, …)` for a jsonRows parameter. */
export function recordset(param: number, columns: readonly (readonly [string, string])[], alias = "u"): string {
  return `json_to_recordset($${param}::json) AS ${alias}(${columns.map(([c, t]) => `${c} ${t}`).join(", ")})`;
}

/** A string safe to store in PostgreSQL text (see jsonRows), for values bound one by one. */
export function storable(s: string): string {
  return s.includes("\u0000") || !s.isWellFormed() ? s.replaceAll("\u0000", "\ufffd").toWellFormed() : s;
}
