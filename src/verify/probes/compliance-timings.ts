import { type Kysely, sql } from "kysely";
import type { Database } from "../../store/database.ts";
import { operatorCanaries, type ResolverCanary, type TimeToApply } from "./canary-serials.ts";
import { type FollowedTable, followedColumns } from "./open-rows.ts";
import { percentile } from "./percentile.ts";

const chunk = 400;

export interface TimeToEnforce {
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** Names enforced since their release was followed. */
  count: number;
  /** Names a release added that the operator has not been seen enforcing yet. */
  pending: number;
}

/** An operator's timed figures, as compliance shows them and the scorecards sum them up. */
export interface ComplianceTimings {
  timeToEnforce: TimeToEnforce;
  /**
   * From each release that took a name out of the zone (lift, suspension, expiry, window end) to the first
   * probe that saw every resolver of the operator resolve it again; `pending`: names not seen resolving yet.
   */
  timeToLift: TimeToEnforce;
  /** Each resolver's last canary answer: the serial it applied and how far behind the current release. */
  canaries: ResolverCanary[];
  /** From each release to the first canary answer showing a resolver applied it, over every resolver. */
  timeToApply: TimeToApply;
  /** Acknowledgments a resolver of the operator contradicted (ACK_SERIAL_NOT_APPLIED). */
  contradictedAcks: number;
}

/**
 * The timed figures of each of these operators, read once for all of them: times to enforce and to lift from
 * the rows the probes close (enforcements.ts, lifts.ts), and the canary's figures (canary-serials.ts). The one
 * place compliance and the scorecards take them from, so that a view over many operators reads each table once
 * rather than once an operator.
 */
export async function complianceTimings(
  db: Kysely<Database>,
  operatorIds: readonly number[],
): Promise<Map<number, ComplianceTimings>> {
  const enforced = await closedTimes(db, "enforcements", operatorIds);
  const enforcing = await openCounts(db, "enforcements", operatorIds);
  const lifted = await closedTimes(db, "lifts", operatorIds);
  const lifting = await openCounts(db, "lifts", operatorIds);
  const timings = new Map<number, ComplianceTimings>();
  for (const id of operatorIds) {
    const canaries = await operatorCanaries(db, id);
    timings.set(id, {
      timeToEnforce: timesOf(enforced.get(id) ?? [], enforcing.get(id) ?? 0),
      timeToLift: timesOf(lifted.get(id) ?? [], lifting.get(id) ?? 0),
      canaries: canaries.canaries,
      timeToApply: canaries.timeToApply,
      contradictedAcks: canaries.contradictedAcks,
    });
  }
  return timings;
}

/**
 * Each operator's measured times in one table, sorted: on every name, or on one order's names (the targets'
 * values, which are the names asked).
 */
export async function closedTimes(
  db: Kysely<Database>,
  table: FollowedTable,
  operatorIds: readonly number[],
  orderId?: number,
): Promise<Map<number, number[]>> {
  const { closedAt, timeMs } = followedColumns[table];
  const times = new Map<number, number[]>();
  for (let start = 0; start < operatorIds.length; start += chunk) {
    let query = db
      .selectFrom(table)
      .select(["operator_id", sql.ref<number | string>(timeMs).as("ms")])
      .where("operator_id", "in", operatorIds.slice(start, start + chunk))
      .where(sql.ref(closedAt), "is not", null);
    if (orderId !== undefined) {
      query = query.where("name", "in", (eb) =>
        eb.selectFrom("targets").select("value").where("order_id", "=", orderId),
      );
    }
    for (const row of await query.orderBy("operator_id").orderBy(sql.ref(timeMs)).execute()) {
      const id = Number(row.operator_id);
      const sorted = times.get(id);
      if (sorted) sorted.push(Number(row.ms));
      else times.set(id, [Number(row.ms)]);
    }
  }
  return times;
}

/** How many rows of each operator are still open in one table. */
async function openCounts(
  db: Kysely<Database>,
  table: FollowedTable,
  operatorIds: readonly number[],
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (let start = 0; start < operatorIds.length; start += chunk) {
    const rows = await db
      .selectFrom(table)
      .select(["operator_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("operator_id", "in", operatorIds.slice(start, start + chunk))
      .where(sql.ref(followedColumns[table].closedAt), "is", null)
      .groupBy("operator_id")
      .execute();
    for (const row of rows) counts.set(Number(row.operator_id), Number(row.n));
  }
  return counts;
}

/** Sorted times, summed up as compliance shows them, with the count still waiting. */
function timesOf(values: readonly number[], pending: number): TimeToEnforce {
  return {
    p50Ms: percentile(values, 0.5),
    p95Ms: percentile(values, 0.95),
    maxMs: values.at(-1) ?? null,
    count: values.length,
    pending,
  };
}
