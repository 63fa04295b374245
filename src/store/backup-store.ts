// Backups of the embedded store. SQLite's online backup API copies a consistent snapshot page by page while
// `decree serve` keeps reading and writing (WAL readers are never blocked); PostgreSQL has its own tools.
import { existsSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { DecreeError } from "../errors/decree-error.ts";
import { servingProcess } from "./data-folder-lock.ts";
import { sqliteFileName } from "./open-store.ts";

export interface BackupSummary {
  file: string;
  /** The newest release in the copy, with the SOA serial it was served with (0 and 0 when none). */
  release: number;
  soaSerial: number;
}

/** Writes a consistent copy of the data folder's SQLite store to `file`. */
export async function backupSqlite(dataDir: string, file: string): Promise<BackupSummary> {
  const source = join(resolve(dataDir), sqliteFileName);
  const target = resolve(file);
  if (!existsSync(source)) {
    throw new DecreeError(
      "BACKUP_FAILED",
      `There is no store at ${source}: point --data at the folder decree serves.`,
    );
  }
  if (target === source) {
    throw new DecreeError(
      "BACKUP_FAILED",
      `${file} is the store itself: give a path outside the data folder.`,
    );
  }
  const db = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    await db.backup(target);
  } catch (error) {
    throw new DecreeError(
      "BACKUP_FAILED",
      `The backup to ${file} failed (${(error as Error).message}): give a writable path with room for the store.`,
    );
  } finally {
    db.close();
  }
  return { file: target, ...newestRelease(target) };
}

/**
 * Replaces the data folder's store with a backup. Refused while a `decree serve` holds the folder: the store
 * would change under it. The served-serial file is kept, so the next start publishes past what secondaries hold.
 */
export async function restoreSqlite(dataDir: string, file: string): Promise<BackupSummary> {
  const dir = resolve(dataDir);
  const pid = servingProcess(dir);
  if (pid !== undefined) {
    throw new DecreeError(
      "RESTORE_WHILE_SERVING",
      `decree serve (process ${pid}) holds ${dir}: stop it, then restore; start it again afterwards.`,
    );
  }
  const backup = resolve(file);
  const summary = { file: backup, ...newestRelease(backup) };
  const store = join(dir, sqliteFileName);
  const staging = `${store}.restoring`;
  const from = new SqliteDatabase(backup, { readonly: true, fileMustExist: true });
  try {
    await from.backup(staging);
  } finally {
    from.close();
  }
  // A WAL left by the old store must not be replayed onto the restored one.
  for (const suffix of ["-wal", "-shm"]) rmSync(`${store}${suffix}`, { force: true });
  renameSync(staging, store);
  return summary;
}

/** Reads the backup's newest release; anything that is not a decree store is RESTORE_INVALID. */
function newestRelease(file: string): { release: number; soaSerial: number } {
  let db: SqliteDatabase.Database | undefined;
  try {
    db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    const columns = db.prepare("select name from pragma_table_info('releases')").all() as Array<{
      name: string;
    }>;
    if (columns.length === 0) throw new Error("no releases table");
    const soa = columns.some((c) => c.name === "soa_serial") ? "soa_serial" : "serial";
    const row = db.prepare(`select id, ${soa} as serial from releases order by id desc limit 1`).get() as
      | { id: number; serial: number }
      | undefined;
    return { release: Number(row?.id ?? 0), soaSerial: Number(row?.serial ?? 0) };
  } catch (error) {
    throw new DecreeError(
      "RESTORE_INVALID",
      `${file} is not a decree store (${(error as Error).message}): give a file written by \`decree backup\`.`,
    );
  } finally {
    db?.close();
  }
}
