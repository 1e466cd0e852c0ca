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

export type ArrayKind = "text" | "number" | "time" | "json";

/** One column of a set-based write: its values for every row, and how their array literal is built. */
export interface UnnestColumn {
  name: string;
  /** SQL type of one value (`varchar`, `uuid`, `timestamptz`, …). */
  type: string;
  kind: ArrayKind;
  values: readonly unknown[];
  /** Never sent as one value (an id): the unnest needs one array, and a column known to vary need not be checked. */
  varying?: boolean;
}

export function arrayLiteral(kind: ArrayKind, values: readonly unknown[]): string {
  switch (kind) {
    case "number": return numberArray(values as (number | null)[]);
    case "time": return timeArray(values as (Date | null)[]);
    case "json": return jsonArray(values);
    default: return textArray(values as (string | null)[]);
  }
}

/** The one value every row has, if they all have the same (dates by instant; JSON is never compared). */
function constant(kind: ArrayKind, values: readonly unknown[]): { value: unknown } | null {
  if (kind === "json" || !values.length) return null;
  const key = (v: unknown) => (v instanceof Date ? v.getTime() : v ?? null);
  const k0 = key(values[0]);
  for (let i = 1; i < values.length; i++) if (key(values[i]) !== k0) return null;
  const v = values[0] ?? null;
  if (kind === "time") return { value: v ? (v as Date).toISOString() : null };
  if (kind === "number") return { value: typeof v === "number" && Number.isFinite(v) ? v : null };
  return { value: typeof v === "string" ? storable(v) : v };
}

/**
 * A column of few distinct values (a load's rule IDs and titles, the payloads of its CREATED events) as
 * those values once and a 1-based index per row (NULL for NULL): PostgreSQL parses each value once —
 * a jsonb document costs microseconds to parse, 25,000 times per upload.
 */
function dictionary(kind: ArrayKind, values: readonly unknown[]): { distinct: unknown[]; index: (number | null)[] } | null {
  if ((kind !== "text" && kind !== "json") || values.length < 64) return null;
  const at = new Map<string, number>();
  const distinct: unknown[] = [];
  const index = new Array<number | null>(values.length);
  const limit = values.length >> 3;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) { index[i] = null; continue; }
    const key = kind === "json" ? JSON.stringify(v) : String(v);
    let k = at.get(key);
    if (k === undefined) {
      if (distinct.length >= limit) return null;
      distinct.push(v); k = distinct.length; at.set(key, k);
    }
    index[i] = k;
  }
  return { distinct, index };
}

/**
 * Rows as SQL for `INSERT … SELECT … FROM <from>` or `UPDATE … FROM <from>`:
 * an unnest (alias `u`) of one array parameter per column, appended to
 * `params`, and `col(name)`, the value expression of a column. A column with
 * the same value in every row (the tool, the state, NULL package fields of
 * code findings, the organization of every event of a load, …) is one scalar
 * parameter instead: no array to build here nor to parse there, about half
 * the columns of a typical upload; a column of few distinct values is sent
 * as a dictionary (`dictionary`).
 */
export function unnestColumns(cols: readonly UnnestColumn[], params: unknown[], options: { ordinality?: boolean } = {}): { from: string; col: (name: string) => string } {
  const exprs = new Map<string, string>();
  const arrays: string[] = [];
  const names: string[] = [];
  for (const c of cols) {
    const one = c.varying ? null : constant(c.kind, c.values);
    const dict = one || c.varying ? null : dictionary(c.kind, c.values);
    if (one) {
      params.push(one.value);
      exprs.set(c.name, `$${params.length}::${c.type}`);
    } else if (dict) {
      params.push(arrayLiteral(c.kind, dict.distinct));
      exprs.set(c.name, `($${params.length}::${c.type}[])[u.${c.name}]`);
      params.push(numberArray(dict.index));
      arrays.push(`$${params.length}::int[]`);
      names.push(c.name);
    } else {
      params.push(arrayLiteral(c.kind, c.values));
      arrays.push(`$${params.length}::${c.type}[]`);
      names.push(c.name);
      exprs.set(c.name, `u.${c.name}`);
    }
  }
  if (!arrays.length) throw new Error("unnestColumns: one column must vary");
  const ord = options.ordinality ? " WITH ORDINALITY" : "";
  return { from: `unnest(${arrays.join(", ")})${ord} AS u(${names.join(", ")}${ord ? ", ord" : ""})`, col: (name) => exprs.get(name)! };
}
