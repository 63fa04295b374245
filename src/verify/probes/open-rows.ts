import { type Kysely, sql } from "kysely";
import type { Database } from "../../store/database.ts";

const chunk = 400;

/**
 * The tables of names followed after a release until every resolver of an operator shows it applied, each with
 * the column that closes a row and the time it measures: time to enforce (enforcements.ts) and time to lift
 * (lifts.ts). An open row has its closing column null, which the table's `*_open` index leads with.
 */
export const followedColumns = {
  enforcements: { closedAt: "enforced_at", timeMs: "time_to_enforce_ms" },
  lifts: { closedAt: "lifted_at", timeMs: "time_to_lift_ms" },
} as const;
export type FollowedTable = keyof typeof followedColumns;

/** A name a release added or took out, not yet seen applied by one operator. */
export interface OpenRow {
  id: number;
  operatorId: number;
  releaseId: number;
  name: string;
  releasedAt: string;
  lastProbedAt: string | null;
}

/**
 * Open rows due for another probe: often just after the release, then less and less often (a tenth of the
 * name's age, at least `minIntervalMs`, at most an hour), and no longer after `horizonMs`.
 */
export async function dueOpenRows(
  db: Kysely<Database>,
  table: FollowedTable,
  options: { now: Date; minIntervalMs: number; horizonMs: number; limit: number },
): Promise<OpenRow[]> {
  const now = options.now.getTime();
  const rows = await db
    .selectFrom(table)
    .selectAll()
    .where(sql.ref(followedColumns[table].closedAt), "is", null)
    .where("released_at", ">=", new Date(now - options.horizonMs).toISOString())
    // Never probed first, then the longest unprobed: many open names of a slow operator cannot starve the rest.
    .orderBy(sql`last_probed_at is null`, "desc")
    .orderBy("last_probed_at")
    .orderBy("id")
    .limit(options.limit * 4)
    .execute();
  return rows
    .filter((row) => {
      if (row.last_probed_at === null) return true;
      const age = now - Date.parse(row.released_at);
      const interval = Math.min(3_600_000, Math.max(options.minIntervalMs, age / 10));
      return now - Date.parse(row.last_probed_at) >= interval;
    })
    .slice(0, options.limit)
    .map((row) => ({
      id: Number(row.id),
      operatorId: Number(row.operator_id),
      releaseId: Number(row.release_id),
      name: row.name,
      releasedAt: row.released_at,
      lastProbedAt: row.last_probed_at,
    }));
}

/** Records that these open rows were probed at `at`, which their next turn counts from. */
export async function markOpenRowsProbed(
  db: Kysely<Database>,
  table: FollowedTable,
  ids: readonly number[],
  at: Date,
): Promise<void> {
  for (let start = 0; start < ids.length; start += chunk) {
    await db
      .updateTable(table)
      .set({ last_probed_at: at.toISOString() })
      .where("id", "in", ids.slice(start, start + chunk))
      .execute();
  }
}
