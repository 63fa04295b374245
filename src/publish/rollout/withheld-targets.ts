import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";

/**
 * The entries release `releaseId` does not carry because a staged rollout withholds them: those of every
 * rollout that began at or before it and reached everyone (or ended) only after it. Lists read from the
 * registry's entries rather than the zone (test lists, de-listing lists) leave them out, so that what they
 * show everyone is what that release holds. Empty for the newest release, the one canaries get.
 */
export async function withheldTargets(db: Kysely<Database>, releaseId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom("rollout_targets")
    .innerJoin("release_rollouts", "release_rollouts.id", "rollout_targets.rollout_id")
    .select("rollout_targets.target_id")
    .where("release_rollouts.base_release_id", "<=", releaseId)
    .where("release_rollouts.release_id", ">", releaseId)
    .execute();
  return new Set(rows.map((row) => Number(row.target_id)));
}
