import type { ColumnDefinitionBuilder } from "kysely";
import type { Dialect } from "../database.ts";

export function idColumnType(dialect: Dialect) {
  return dialect === "postgres" ? "bigserial" : "integer";
}

// SQLite's INTEGER PRIMARY KEY is the rowid: ids only grow because decree never deletes a row, so AUTOINCREMENT
// and its per-insert bookkeeping in sqlite_sequence would buy nothing.
export function primaryKey() {
  return (column: ColumnDefinitionBuilder) => column.primaryKey();
}

export function bigint(dialect: Dialect) {
  return dialect === "postgres" ? "bigint" : "integer";
}
