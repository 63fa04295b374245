import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import { operatorCanaries } from "../probes/canary-serials.ts";
import { percentile } from "../probes/percentile.ts";

/** The scorecard's timed figures: how long an operator takes to apply and to undo a release, and how far behind it is. */
export interface ScorecardTimings {
  timeToEnforceP50Ms: number | null;
  timeToEnforceP95Ms: number | null;
  timeToLiftP50Ms: number | null;
  timeToLiftP95Ms: number | null;
  serialLag: number | null;
}

/**
 * The timed figures of one operator, on every name or on one order's: the one place they are computed, so that
 * each new measurement (a lift timed like an enforcement, the serial a resolver is seen serving) fills its
 * field here and nowhere else. Time to enforce comes from the enforcements probes close, time to lift from the
 * lifts they close the same way (probes/lifts.ts), and the serial lag from the release each resolver's canary
 * answer names (probes/canary-serials.ts): the most releases any of its resolvers is behind. What was never
 * measured stays null ("not measured"), never 0.
 */
export async function scorecardTimings(
  db: Kysely<Database>,
  operatorId: number,
  orderId?: number,
): Promise<ScorecardTimings> {
  let enforced = db
    .selectFrom("enforcements")
    .select("time_to_enforce_ms")
    .where("operator_id", "=", operatorId)
    .where("enforced_at", "is not", null);
  if (orderId !== undefined) {
    enforced = enforced.where("name", "in", (eb) =>
      eb.selectFrom("targets").select("value").where("order_id", "=", orderId),
    );
  }
  let lifted = db
    .selectFrom("lifts")
    .select("time_to_lift_ms")
    .where("operator_id", "=", operatorId)
    .where("time_to_lift_ms", "is not", null);
  if (orderId !== undefined) {
    lifted = lifted.where("name", "in", (eb) =>
      eb.selectFrom("targets").select("value").where("order_id", "=", orderId),
    );
  }
  const values = (await enforced.orderBy("time_to_enforce_ms").execute()).map((row) =>
    Number(row.time_to_enforce_ms),
  );
  const lifts = (await lifted.orderBy("time_to_lift_ms").execute()).map((row) => Number(row.time_to_lift_ms));
  const behind = (await operatorCanaries(db, operatorId)).canaries.flatMap((canary) =>
    canary.releasesBehind === null ? [] : [canary.releasesBehind],
  );
  return {
    timeToEnforceP50Ms: percentile(values, 0.5),
    timeToEnforceP95Ms: percentile(values, 0.95),
    timeToLiftP50Ms: percentile(lifts, 0.5),
    timeToLiftP95Ms: percentile(lifts, 0.95),
    serialLag: behind.length === 0 ? null : Math.max(...behind),
  };
}
