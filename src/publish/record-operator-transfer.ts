import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import { serialLessThan } from "./dns/soa-serial.ts";

/**
 * Keeps the newest SOA serial the DNS primary saw an operator transfer (AXFR, IXFR, or an IXFR that found it
 * up to date): one of the signals that a canary has a staged release (verify/rollout/canary-applied.ts).
 */
export async function recordOperatorTransfer(
  db: Kysely<Database>,
  operator: string,
  soaSerial: number,
  at: Date,
): Promise<void> {
  const row = await db
    .selectFrom("operators")
    .select(["id", "last_transfer_serial"])
    .where("name", "=", operator)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  if (!row) return;
  const seen = row.last_transfer_serial;
  if (seen !== null && !serialLessThan(Number(seen), soaSerial)) return;
  await db
    .updateTable("operators")
    .set({ last_transfer_serial: soaSerial, last_transfer_at: at.toISOString() })
    .where("id", "=", row.id)
    .execute();
}
