import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/**
 * Kysely prepares every statement anew; SQLite's parse and plan of a 1,000-row insert costs more than running
 * it. Keeping the most recent prepared statements, keyed by their SQL, is invisible to Kysely and makes bulk
 * imports about twice as fast (bench/import).
 */
/**
 * SQL that starts with this comment returns its rows as arrays of values in column order, not as objects: a
 * million-row read then builds no object per row (better-sqlite3's raw mode). PostgreSQL ignores the comment
 * and returns objects, whose values come in the same order (see store/array-rows.ts).
 */
export const arrayRowsMarker = "/* array rows */ ";

export function withStatementCache(db: BetterSqlite3.Database, capacity = 256): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      // A statement still iterating (a streamed query) cannot run twice at once; such a caller gets a fresh one.
      if (cached && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached as unknown as SqliteStatement;
      }
      const statement = db.prepare(sql);
      if (sql.startsWith(arrayRowsMarker)) statement.raw(true);
      cache.set(sql, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return statement as unknown as SqliteStatement;
    },
  };
}
