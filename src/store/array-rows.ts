import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "./database.ts";
import { arrayRowsMarker } from "./statement-cache.ts";

/**
 * Runs a compiled select and returns each row as its values in the order of the select list: on SQLite
 * straight from the statement (no object per row, store/statement-cache.ts), on PostgreSQL from the row
 * objects. For reads of many thousand rows whose caller takes every column anyway; name each column once.
 */
export async function arrayRows(
  db: Kysely<Database>,
  query: { sql: string; parameters: readonly unknown[] },
): Promise<unknown[][]> {
  const { rows } = await db.executeQuery<unknown>(
    CompiledQuery.raw(`${arrayRowsMarker}${query.sql}`, [...query.parameters]),
  );
  if (rows.length === 0 || Array.isArray(rows[0])) return rows as unknown[][];
  return rows.map((row) => Object.values(row as object));
}
