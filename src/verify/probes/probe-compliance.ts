import type { Kysely } from "kysely";
import { findOperator } from "../../publish/operators.ts";
import type { Database } from "../../store/database.ts";
import type { Expectation, Verdict } from "../../vocabulary/vocabulary.ts";
import { operatorCanaries, type ResolverCanary, type TimeToApply } from "./canary-serials.ts";
import { percentile } from "./percentile.ts";

export interface VerdictCounts {
  enforced: number;
  notEnforced: number;
  overBlocked: number;
  error: number;
}

export interface TimeToEnforce {
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** Names enforced since their release was followed. */
  count: number;
  /** Names a release added that the operator has not been seen enforcing yet. */
  pending: number;
}

/** One operator's measured compliance, from the latest measurement of each name at each of its resolvers. */
export interface OperatorProbeCompliance {
  operator: string;
  resolvers: number;
  counts: VerdictCounts;
  /** Among names that must be blocked: enforced / (enforced + not enforced); null before any measurement. */
  shareEnforced: number | null;
  /** Names that must be blocked and that some resolver answers normally. */
  missedNames: string[];
  overBlockedNames: string[];
  timeToEnforce: TimeToEnforce;
  /**
   * From each release that took a name out of the zone (lift, suspension, expiry, window end) to the first
   * probe that saw every resolver of the operator resolve it again; `pending`: names not seen resolving yet.
   */
  timeToLift: TimeToEnforce;
  /** From each release to the first canary answer showing a resolver applied it, over every resolver. */
  timeToApply: TimeToApply;
  /** Each resolver's last canary answer: the serial it applied and how far behind the current release. */
  canaries: ResolverCanary[];
  /** Acknowledgments a resolver of the operator contradicted (ACK_SERIAL_NOT_APPLIED). */
  contradictedAcks: number;
  lastMeasuredAt: string | null;
}

/** One order's entries at one operator. */
export interface OrderProbeCompliance {
  operator: string;
  orderId: number;
  counts: VerdictCounts;
  shareEnforced: number | null;
}

const listedNames = 100;

/**
 * Rolls measurements up per operator: the latest measurement of each (resolver, name, type) counts, so that a
 * sampled sweep adds to what earlier sweeps saw rather than replacing it.
 */
export async function probeCompliance(
  db: Kysely<Database>,
  operator?: string,
): Promise<OperatorProbeCompliance[]> {
  const operators = operator
    ? [await findOperator(db, operator)]
    : (await db.selectFrom("operators").select(["id", "name"]).orderBy("name").execute()).map((row) => ({
        id: Number(row.id),
        name: row.name,
      }));
  const results: OperatorProbeCompliance[] = [];
  for (const { id, name } of operators) {
    const resolvers = await db
      .selectFrom("resolvers")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("operator_id", "=", id)
      .executeTakeFirstOrThrow();
    if (Number(resolvers.n) === 0 && operator === undefined) continue;
    const latest = latestMeasurements(db, id);
    const groups = await db
      .selectFrom(latest.as("latest"))
      .select([
        "latest.expectation",
        "latest.verdict",
        (eb) => eb.fn.countAll<number>().as("n"),
        (eb) => eb.fn.max("latest.at").as("last"),
      ])
      .groupBy(["latest.expectation", "latest.verdict"])
      .execute();
    const counts = countVerdicts(groups);
    const blocked = groups.filter((group) => group.expectation === "blocked");
    const namesWith = async (verdict: Verdict, expectations: Expectation[]) =>
      (
        await db
          .selectFrom(latest.as("latest"))
          .select("latest.name")
          .distinct()
          .where("latest.verdict", "=", verdict)
          .where("latest.expectation", "in", expectations)
          .orderBy("latest.name")
          .limit(listedNames)
          .execute()
      ).map((row) => row.name);
    const last = groups
      .map((group) => String(group.last ?? ""))
      .sort()
      .at(-1);
    results.push({
      operator: name,
      resolvers: Number(resolvers.n),
      counts,
      shareEnforced: share(countVerdicts(blocked)),
      missedNames: await namesWith("not-enforced", ["blocked"]),
      overBlockedNames: await namesWith("over-blocked", ["lifted", "control"]),
      timeToEnforce: await timeToEnforce(db, id),
      timeToLift: await timeToLift(db, id),
      ...(await operatorCanaries(db, id)),
      lastMeasuredAt: last || null,
    });
  }
  return results;
}

/** Per operator and order: the entries' latest measurements grouped by the order they belong to. */
export async function probeComplianceByOrder(
  db: Kysely<Database>,
  operator?: string,
): Promise<OrderProbeCompliance[]> {
  const operators = operator
    ? [await findOperator(db, operator)]
    : (await db.selectFrom("operators").select(["id", "name"]).orderBy("name").execute()).map((row) => ({
        id: Number(row.id),
        name: row.name,
      }));
  const results: OrderProbeCompliance[] = [];
  for (const { id, name } of operators) {
    const rows = await db
      .selectFrom(latestMeasurements(db, id).as("latest"))
      .innerJoin("targets", "targets.id", "latest.target_id")
      .select([
        "targets.order_id",
        "latest.verdict",
        "latest.expectation",
        (eb) => eb.fn.countAll<number>().as("n"),
      ])
      .groupBy(["targets.order_id", "latest.verdict", "latest.expectation"])
      .orderBy("targets.order_id")
      .execute();
    const byOrder = new Map<number, typeof rows>();
    for (const row of rows)
      byOrder.set(Number(row.order_id), [...(byOrder.get(Number(row.order_id)) ?? []), row]);
    for (const [orderId, group] of byOrder) {
      results.push({
        operator: name,
        orderId,
        counts: countVerdicts(group),
        shareEnforced: share(countVerdicts(group.filter((row) => row.expectation === "blocked"))),
      });
    }
  }
  return results;
}

function latestMeasurements(db: Kysely<Database>, operatorId: number) {
  const newest = db
    .selectFrom("measurements")
    .select((eb) => eb.fn.max("id").as("id"))
    .where("operator_id", "=", operatorId)
    .groupBy(["resolver_id", "name", "qtype"]);
  return db.selectFrom("measurements").selectAll().where("id", "in", newest);
}

function countVerdicts(
  groups: ReadonlyArray<{ verdict: string; n: number | string | bigint }>,
): VerdictCounts {
  const counts: VerdictCounts = { enforced: 0, notEnforced: 0, overBlocked: 0, error: 0 };
  for (const group of groups) {
    const n = Number(group.n);
    if (group.verdict === "enforced") counts.enforced += n;
    else if (group.verdict === "not-enforced") counts.notEnforced += n;
    else if (group.verdict === "over-blocked") counts.overBlocked += n;
    else counts.error += n;
  }
  return counts;
}

function share(counts: VerdictCounts): number | null {
  const judged = counts.enforced + counts.notEnforced;
  return judged === 0 ? null : Math.round((counts.enforced / judged) * 10_000) / 10_000;
}

async function timeToEnforce(db: Kysely<Database>, operatorId: number): Promise<TimeToEnforce> {
  const enforced = await db
    .selectFrom("enforcements")
    .select("time_to_enforce_ms")
    .where("operator_id", "=", operatorId)
    .where("enforced_at", "is not", null)
    .orderBy("time_to_enforce_ms")
    .execute();
  const pending = await db
    .selectFrom("enforcements")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("operator_id", "=", operatorId)
    .where("enforced_at", "is", null)
    .executeTakeFirstOrThrow();
  return timesOf(
    enforced.map((row) => Number(row.time_to_enforce_ms)),
    Number(pending.n),
  );
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

async function timeToLift(db: Kysely<Database>, operatorId: number): Promise<TimeToEnforce> {
  const lifted = await db
    .selectFrom("lifts")
    .select("time_to_lift_ms")
    .where("operator_id", "=", operatorId)
    .where("lifted_at", "is not", null)
    .orderBy("time_to_lift_ms")
    .execute();
  const pending = await db
    .selectFrom("lifts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("operator_id", "=", operatorId)
    .where("lifted_at", "is", null)
    .executeTakeFirstOrThrow();
  return timesOf(
    lifted.map((row) => Number(row.time_to_lift_ms)),
    Number(pending.n),
  );
}
