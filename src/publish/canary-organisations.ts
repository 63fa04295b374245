import type { Kysely } from "kysely";
import { compiledOnce } from "../store/compiled-once.ts";
import type { Database } from "../store/database.ts";

/** Read by every feed poll presenting a token (http/feed-audience.ts): compiled once. */
const canaryOrganisationIds = compiledOnce((db: Kysely<Database>) =>
  db
    .selectFrom("organisations")
    .innerJoin("operators", "operators.name", "organisations.name")
    .select("organisations.id")
    .where("operators.canary", "=", 1)
    .where("operators.removed_at", "is", null),
);

/**
 * The organisations that are canaries: those of canary operators still registered (an operator's organisation
 * bears its name, as its accounts' feeds and configuration do). The one rule for every reader of it: the feeds
 * answer their tokens with a staged release (http/feed-audience.ts), their webhooks hear of staged releases
 * and halts (webhooks/); every other organisation hears of and gets a release only when it goes to all.
 */
export async function canaryOrganisations(db: Kysely<Database>): Promise<Set<number>> {
  const { rows } = await db.executeQuery(canaryOrganisationIds(db));
  return new Set(rows.map((row) => Number(row.id)));
}
