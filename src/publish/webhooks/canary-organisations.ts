import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";

/**
 * The organisations whose webhooks hear of staged releases: those of canary operators (an operator's
 * organisation bears its name, as its accounts' feeds and configuration do). Every other webhook hears of a
 * release when it goes to all (rollout/), and never of one that is withdrawn or halted.
 */
export async function canaryOrganisations(db: Kysely<Database>): Promise<Set<number>> {
  const rows = await db
    .selectFrom("organisations")
    .innerJoin("operators", "operators.name", "organisations.name")
    .select("organisations.id")
    .where("operators.canary", "=", 1)
    .where("operators.removed_at", "is", null)
    .execute();
  return new Set(rows.map((row) => Number(row.id)));
}
