import { DataSource, EntityManager } from "typeorm";
import { SecretBox } from "../common/crypto";

/** Columns known to hold SecretBox ciphertext. Others are found by name (see sealedColumns). */
export const SEALED_COLUMNS: { table: string; column: string }[] = [{ table: "connector", column: "credentials" }];

export interface RotationResult { table: string; column: string; rotated: number; current: number }

/**
 * Every column to rotate (read inside the transaction: the embedded database has one connection): the known ones that exist, plus any text column of
 * the schema whose name says secret or credential (a webhook secret table
 * added later is picked up without touching this file). Values that are not
 * SecretBox ciphertext ("v1:…") are left alone.
 */
async function sealedColumns(em: EntityManager): Promise<{ table: string; column: string }[]> {
  const rows: { table: string; column: string }[] = await em.query(
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns
     WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying')
       AND (column_name ~ '(secret|credential)' OR (table_name, column_name) IN (SELECT * FROM unnest($1::text[], $2::text[])))`,
    [SEALED_COLUMNS.map((c) => c.table), SEALED_COLUMNS.map((c) => c.column)]);
  return rows.sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Re-encrypts every sealed value under the box's current key, in one
 * transaction: a value that opens with none of the given keys aborts the
 * whole rotation, so the database never holds a mix it cannot read.
 */
export async function rotateSecrets(ds: DataSource, box: SecretBox): Promise<RotationResult[]> {
  return ds.transaction(async (em) => {
    const results: RotationResult[] = [];
    for (const { table, column } of await sealedColumns(em)) {
      const rows: { ctid: string; value: string }[] = await em.query(
        `SELECT ctid::text AS ctid, ${ident(column)} AS value FROM ${ident(table)} WHERE ${ident(column)} LIKE 'v1:%' FOR UPDATE`);
      let rotated = 0;
      for (const row of rows) {
        if (box.isCurrent(row.value)) continue;
        let plain: string;
        try {
          plain = box.open(row.value);
        } catch (err) {
          throw new Error(`${table}.${column}: a value could not be opened with the given keys (${(err as Error).message}); nothing was changed`);
        }
        await em.query(`UPDATE ${ident(table)} SET ${ident(column)} = $1 WHERE ctid = $2::tid`, [box.seal(plain), row.ctid]);
        rotated++;
      }
      results.push({ table, column, rotated, current: rows.length - rotated });
    }
    return results;
  });
}
