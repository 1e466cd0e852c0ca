import { TestApp } from "./app";

export interface PostOptions { type?: string; encoding?: string; token?: string | null; format?: "sarif" | "cyclonedx" }

/** POST /ingest/<format>?params with a body; returns the status and the parsed JSON answer. */
export async function postIngest(app: TestApp, params: Record<string, string | undefined>, body: Buffer | string | object, opts: PostOptions = {}): Promise<{ status: number; body: any }> {
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  const headers: Record<string, string> = { "content-type": opts.type ?? "application/sarif+json" };
  if (opts.encoding) headers["content-encoding"] = opts.encoding;
  const payload = Buffer.isBuffer(body) || typeof body === "string" ? body : JSON.stringify(body);
  const res = await app.fetch(`/ingest/${opts.format ?? "sarif"}?${qs}`, { method: "POST", headers, body: payload, token: opts.token });
  const text = await res.text();
  let json: any = null;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, body: json };
}

export async function count(app: TestApp, table: string, where = "", params: unknown[] = []): Promise<number> {
  const [{ n }] = await app.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table} ${where}`, params);
  return n;
}

export async function repoId(app: TestApp, fullName: string): Promise<string> {
  const [row] = await app.db.dataSource.query(`SELECT id FROM repository WHERE lower(full_name) = lower($1)`, [fullName]);
  return row.id;
}

/** (fingerprint, state) pairs of a repository's findings, sorted, as strings. */
export async function states(app: TestApp, fullName: string): Promise<string[]> {
  const rows: { fingerprint: string; state: string; analysis_category: string }[] = await app.db.dataSource.query(
    `SELECT f.fingerprint, f.state, f.analysis_category FROM finding f JOIN repository r ON r.id = f.repository_id WHERE lower(r.full_name) = lower($1)`, [fullName]);
  return rows.map((r) => `${r.analysis_category}|${r.fingerprint}|${r.state}`).sort();
}

/** Every region's startLine/endLine moved down by `by` lines (code inserted above). */
export function shiftLines(node: unknown, by: number): void {
  if (Array.isArray(node)) { node.forEach((n) => shiftLines(n, by)); return; }
  if (!node || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  for (const k of ["startLine", "endLine"]) if (typeof o[k] === "number") o[k] = (o[k] as number) + by;
  for (const v of Object.values(o)) shiftLines(v, by);
}
