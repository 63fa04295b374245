import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "./database.ts";

// Bound by SQLite's and PostgreSQL's limits on bound parameters per statement (32,766 and 65,535).
export const insertChunkRows = 500;

type Table = keyof Database;

/** Writes row `row`'s values, in the order of `columns`, into `out` from index `at`. */
export type RowFiller = (row: number, out: unknown[], at: number) => void;

const templates = new Map<string, string>();

/**
 * Inserts many rows of one shape, `insertChunkRows` per statement. The SQL of a chunk is compiled by Kysely once
 * per engine, table, columns and size, then reused with new parameters, and values go straight into the
 * parameter array: a million-row import pays for query building once, not two thousand times, and allocates
 * no object per row.
 */
export async function insertMany<R extends string = never>(
  db: Kysely<Database>,
  table: Table,
  columns: readonly string[],
  count: number,
  fill: RowFiller,
  returning: readonly R[] = [],
): Promise<Record<R, unknown>[]> {
  const results: Record<R, unknown>[] = [];
  const width = columns.length;
  for (let start = 0; start < count; start += insertChunkRows) {
    const size = Math.min(insertChunkRows, count - start);
    const parameters: unknown[] = new Array(size * width);
    for (let row = 0; row < size; row++) fill(start + row, parameters, row * width);
    const sql = statementFor(db, table, size, columns, returning);
    const result = await db.executeQuery<Record<R, unknown>>(CompiledQuery.raw(sql, parameters));
    for (const row of result.rows) results.push(row);
  }
  return results;
}

function statementFor(
  db: Kysely<Database>,
  table: Table,
  rowCount: number,
  columns: readonly string[],
  returning: readonly string[],
): string {
  const engine = db.getExecutor().adapter.constructor.name;
  const key = `${engine}\u0000${table}\u0000${columns.join(",")}\u0000${returning.join(",")}\u0000${rowCount}`;
  let sql = templates.get(key);
  if (sql === undefined) {
    // Every value becomes a bound parameter, so a row of nulls compiles to the same SQL as any real row.
    const placeholder = Object.fromEntries(columns.map((column) => [column, null]));
    // biome-ignore lint/suspicious/noExplicitAny: the table is generic here; callers fill typed columns
    const query = db.insertInto(table).values(Array(rowCount).fill(placeholder) as any);
    // biome-ignore lint/suspicious/noExplicitAny: same
    sql = (returning.length > 0 ? query.returning(returning as any) : query).compile().sql;
    templates.set(key, sql);
  }
  return sql;
}
