import type { ComplianceTimings } from "../probes/compliance-timings.ts";
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
 * The timed figures of one operator, on every name or on one order's, taken from compliance's
 * (probes/compliance-timings.ts, read once for all operators) rather than measured again: time to enforce from
 * the enforcements probes close, time to lift from the lifts they close the same way (probes/lifts.ts), and the
 * serial lag from the release each resolver's canary answer names (probes/canary-serials.ts): the most releases
 * any of its resolvers is behind, whichever order is scored. An order's times are the operator's sorted times on
 * the order's names (`closedTimes`). What was never measured stays null ("not measured"), never 0.
 */
export function scorecardTimings(
  compliance: ComplianceTimings,
  order?: { enforced: readonly number[]; lifted: readonly number[] },
): ScorecardTimings {
  const behind = compliance.canaries.flatMap((canary) =>
    canary.releasesBehind === null ? [] : [canary.releasesBehind],
  );
  return {
    timeToEnforceP50Ms: order ? percentile(order.enforced, 0.5) : compliance.timeToEnforce.p50Ms,
    timeToEnforceP95Ms: order ? percentile(order.enforced, 0.95) : compliance.timeToEnforce.p95Ms,
    timeToLiftP50Ms: order ? percentile(order.lifted, 0.5) : compliance.timeToLift.p50Ms,
    timeToLiftP95Ms: order ? percentile(order.lifted, 0.95) : compliance.timeToLift.p95Ms,
    serialLag: behind.length === 0 ? null : Math.max(...behind),
  };
}
