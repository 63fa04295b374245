import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import type pg from "pg";
import type { Database, Store } from "./database.ts";
import { firstMigration, migrationProvider } from "./migrations.ts";
import { withStatementCache } from "./statement-cache.ts";
import { storeOpenError } from "./store-open-error.ts";

export interface StoreOptions {
  /** Folder of the embedded SQLite store; ignored when `databaseUrl` is set. */
  dataDir?: string;
  /** A PostgreSQL connection string; when present, PostgreSQL is used instead of SQLite. */
  databaseUrl?: string;
}

export const sqliteFileName = "decree.db";

/**
 * Opens the store named by the options and brings its schema up to date before anyone uses it. `created` says
 * whether this made a new, empty registry (its first migration ran now), so that a command can say so: a
 * mistyped --data or database name otherwise looks like a registry that lost its orders.
 */
export async function openStore(options: StoreOptions): Promise<Store & { created: boolean }> {
  const engine = options.databaseUrl ? "postgres" : "sqlite";
  let store: Store;
  try {
    store = options.databaseUrl
      ? await openPostgres(options.databaseUrl)
      : openSqlite(options.dataDir ?? "data");
  } catch (error) {
    const location = options.databaseUrl
      ? redactPassword(options.databaseUrl)
      : resolve(options.dataDir ?? "data");
    throw storeOpenError(error, location, engine);
  }
  try {
    return { ...store, created: await migrate(store) };
  } catch (error) {
    await store.close().catch(() => {});
    throw storeOpenError(error, store.location, engine);
  }
}

function openSqlite(dataDir: string): Store {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, sqliteFileName);
  const sqlite = new SqliteDatabase(file);
  // WAL lets the HTTP server read while a command writes; NORMAL is durable across process crashes in WAL mode.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("cache_size = -65536");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: "sqlite", location: file, close: () => db.destroy() };
}

// Loaded only for PostgreSQL: node-pg and what it pulls in are a third of a SQLite command's start-up.
async function openPostgres(url: string): Promise<Store> {
  const { default: pg } = await import("pg");
  // node-pg returns int8 (bigserial ids, count(*)) as strings to protect precision; our ids and counts stay well
  // inside 2^53, so they are parsed as numbers to keep one result shape across both engines.
  const types = {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === pg.types.builtins.INT8 && format !== "binary") return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types: types as pg.CustomTypesConfig });
  // An idle connection the server drops (a restart, a failover, an administrator) is an 'error' event of the
  // pool; unheard, Node would end the process for it. The pool has already discarded that connection and the
  // next query opens a new one, so there is nothing else to do.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres", location: redactPassword(url), close: () => db.destroy() };
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgresql (unparseable URL)";
  }
}

/** Returns whether the store was new: the first migration ran now. */
async function migrate(store: Store): Promise<boolean> {
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.dialect),
    // The names start with a four-digit number, so code-unit order is their order; Kysely's default,
    // localeCompare, loads the collation tables on every start, a tenth of a command's start-up.
    nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).some(
    (result) => result.migrationName === firstMigration && result.status === "Success",
  );
}
