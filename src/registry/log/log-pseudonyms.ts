import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import { keyedPseudonymiser, type Pseudonymiser } from "./event-leaf.ts";

/**
 * The log's pseudonymiser, keyed by a secret derived from the registry's private key: the same on every
 * instance and for ever (a leaf is rebuilt from its event whenever it is served, so its bytes must not move),
 * and unknown outside. Before the registry has a key nothing has been sequenced, so nothing needs it.
 */
export async function logPseudonymiser(db: Kysely<Database>): Promise<Pseudonymiser> {
  const row = await db
    .selectFrom("signing_keys")
    .select("private_key")
    .where("id", "=", 1)
    .executeTakeFirst();
  if (!row) {
    return keyedPseudonymiser(createHash("sha256").update("decree log: no registry key yet").digest());
  }
  return keyedPseudonymiser(
    createHash("sha256").update("decree log pseudonyms\n").update(row.private_key).digest(),
  );
}
