import { CompiledQuery, type Kysely, sql } from "kysely";
import type { Database } from "./database.ts";

// Bound by SQLite's limit on bound parameters per statement (32,766).
export const insertChunkRows = 500;

/**
 * PostgreSQL receives one array per column (`unnest`), so a statement's parameters do not grow with its rows:
 * one parse and plan carries thousands of rows, where a VALUES list of 500 rows costs more to plan than to run.
 */
const postgresChunkRows = 10_000;

type Table = keyof Database;

/** Writes row `row`'s values, in the order of `columns`, into `out` from index `at`. */
export type RowFiller = (row: number, out: unknown[], at: number) => void;

export interface InsertManyOptions {
  /**
   * Rows that would break a unique index are left out rather than failing the statement (the caller finds
   * which by the rows returned): `on conflict do nothing` on both engines.
   */
  skipConflicts?: boolean;
}

const templates = new Map<string, string>();

/**
 * Inserts many rows of one shape. On SQLite, `insertChunkRows` rows a statement, whose SQL is compiled by
 * Kysely once per table, columns and size, then reused with new parameters (and the prepared statement with
 * it, store/statement-cache.ts); on PostgreSQL, up to `postgresChunkRows` rows a statement as column arrays.
 * Values go straight into the parameter array: a million-row import pays for query building once, and
 * allocates no object per row.
 */
export async function insertMany<R extends string = never>(
  db: Kysely<Database>,
  table: Table,
  columns: readonly string[],
  count: number,
  fill: RowFiller,
  returning: readonly R[] = [],
  options: InsertManyOptions = {},
): Promise<Record<R, unknown>[]> {
  const results: Record<R, unknown>[] = [];
  const width = columns.length;
  const postgres = isPostgres(db);
  const chunkRows = postgres ? postgresChunkRows : insertChunkRows;
  const types = postgres && count > 0 ? await columnTypes(db, table) : undefined;
  for (let start = 0; start < count; start += chunkRows) {
    const size = Math.min(chunkRows, count - start);
    const values: unknown[] = new Array(size * width);
    for (let row = 0; row < size; row++) fill(start + row, values, row * width);
    const query = types
      ? CompiledQuery.raw(
          unnestStatement(table, columns, types, returning, options),
          transpose(values, size, width),
        )
      : CompiledQuery.raw(statementFor(db, table, size, columns, returning, options), values);
    const result = await db.executeQuery<Record<R, unknown>>(query);
    for (const row of result.rows) results.push(row);
  }
  return results;
}

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter.constructor.name.startsWith("Postgres");
}

function statementFor(
  db: Kysely<Database>,
  table: Table,
  rowCount: number,
  columns: readonly string[],
  returning: readonly string[],
  options: InsertManyOptions,
): string {
  const engine = db.getExecutor().adapter.constructor.name;
  const key = `${engine}\u0000${table}\u0000${columns.join(",")}\u0000${returning.join(",")}\u0000${rowCount}\u0000${options.skipConflicts === true}`;
  let text = templates.get(key);
  if (text === undefined) {
    // Every value becomes a bound parameter, so a row of nulls compiles to the same SQL as any real row.
    const placeholder = Object.fromEntries(columns.map((column) => [column, null]));
    // biome-ignore lint/suspicious/noExplicitAny: the table is generic here; callers fill typed columns
    let query = db.insertInto(table).values(Array(rowCount).fill(placeholder) as any);
    if (options.skipConflicts) query = query.onConflict((conflict) => conflict.doNothing());
    // biome-ignore lint/suspicious/noExplicitAny: same
    text = (returning.length > 0 ? query.returning(returning as any) : query).compile().sql;
    templates.set(key, text);
  }
  return text;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function unnestStatement(
  table: Table,
  columns: readonly string[],
  types: Map<string, string>,
  returning: readonly string[],
  options: InsertManyOptions,
): string {
  const arrays = columns.map((column, index) => `$${index + 1}::${types.get(column) ?? "text"}[]`);
  return (
    `insert into ${quote(table)} (${columns.map(quote).join(", ")}) select * from unnest(${arrays.join(", ")})` +
    (options.skipConflicts ? " on conflict do nothing" : "") +
    (returning.length > 0 ? ` returning ${returning.map(quote).join(", ")}` : "")
  );
}

function transpose(values: unknown[], rows: number, width: number): unknown[][] {
  const arrays: unknown[][] = [];
  for (let column = 0; column < width; column++) {
    const array: unknown[] = new Array(rows);
    for (let row = 0; row < rows; row++) array[row] = values[row * width + column];
    arrays.push(array);
  }
  return arrays;
}

/** Column types by table; the schema is the same for every store a process opens (one set of migrations). */
const typesByTable = new Map<string, Map<string, string>>();

async function columnTypes(db: Kysely<Database>, table: Table): Promise<Map<string, string>> {
  const known = typesByTable.get(table);
  if (known) return known;
  const { rows } = await sql<{ name: string; type: string }>`
    select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
    where attrelid = ${table}::regclass and attnum > 0 and not attisdropped`.execute(db);
  const types = new Map(rows.map((row) => [row.name, row.type]));
  typesByTable.set(table, types);
  return types;
}
