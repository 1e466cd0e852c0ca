/**
 * PostgreSQL array literals for set-based writes (`unnest($1::varchar[], …)`),
 * built here instead of by `pg`, which escapes every element with two regular
 * expressions, type-checks it and formats each Date in local time: that was a
 * third of the server CPU of a 25,000-row insert. PostgreSQL parses these
 * literals about twice as fast as the same rows as JSON (json_to_recordset,
 * tried and measured).
 * Strings are made storable first (NUL, lone surrogates -> U+FFFD).
 */
/** A string PostgreSQL text can hold: NUL and lone surrogates (valid in JavaScript, refused by text and jsonb) become U+FFFD. */
export function storable(s: string): string {
  return s.includes("\u0000") || !s.isWellFormed() ? s.replaceAll("\u0000", "\ufffd").toWellFormed() : s;
}

const ESCAPE = /["\\]/;
const ESCAPE_ALL = /["\\]/g;

export function textArray(values: readonly (string | null | undefined)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) { parts[i] = "NULL"; continue; }
    const s = storable(v);
    parts[i] = ESCAPE.test(s) ? `"${s.replace(ESCAPE_ALL, "\\$&")}"` : `"${s}"`;
  }
  return `{${parts.join(",")}}`;
}

export function numberArray(values: readonly (number | null | undefined)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] = v === null || v === undefined || !Number.isFinite(v) ? "NULL" : String(v);
  }
  return `{${parts.join(",")}}`;
}

/** Timestamps as ISO strings, each distinct instant formatted once (a load's rows share a few). */
export function timeArray(values: readonly (Date | null | undefined)[]): string {
  const seen = new Map<number, string>();
  return textArray(values.map((d) => {
    if (!d) return null;
    const t = d.getTime();
    let s = seen.get(t);
    if (s === undefined) { s = d.toISOString(); seen.set(t, s); }
    return s;
  }));
}

/** JSON documents (for a jsonb column); `\u0000`, which jsonb refuses, becomes U+FFFD. */
export function jsonArray(values: readonly unknown[]): string {
  return textArray(values.map((v) => {
    const s = JSON.stringify(v ?? {});
    return s.includes("\\u0000") ? s.replaceAll("\\u0000", "\\ufffd") : s;
  }));
}
