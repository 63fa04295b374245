import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import type { Database } from "./database.ts";

const busyRetries = 20;

/**
 * Runs `work` in a transaction, or inside the caller's when `db` already is one, so that commands compose
 * (the demo loader records and approves in one) while each stays one transaction on its own.
 *
 * SQLite lets one writer at a time; a transaction that read before another process wrote gets SQLITE_BUSY
 * without waiting. The whole transaction rolled back, so it is safe to run it again from the start.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return work(db);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= busyRetries || !isSqliteBusy(error)) throw error;
      await sleep(5 + Math.random() * 20 * (attempt + 1));
    }
  }
}

function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}
