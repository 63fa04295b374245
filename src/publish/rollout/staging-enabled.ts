import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";

/**
 * Whether a release that adds entries is staged: the authority's setting (`decree releases staging`) or else
 * the configured default (`releases.staged`), and only when some operator is a canary, since a release staged
 * for no one would wait for ever.
 */
export async function stagingEnabled(db: Kysely<Database>, configured: boolean): Promise<boolean> {
  const setting = await db
    .selectFrom("rollout_settings")
    .select("staged")
    .where("id", "=", 1)
    .executeTakeFirst();
  const staged = setting?.staged === null || setting === undefined ? configured : setting.staged === 1;
  if (!staged) return false;
  const canary = await db
    .selectFrom("operators")
    .select("id")
    .where("canary", "=", 1)
    .where("removed_at", "is", null)
    .limit(1)
    .executeTakeFirst();
  return canary !== undefined;
}
