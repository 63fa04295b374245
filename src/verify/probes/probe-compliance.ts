import type { Kysely } from "kysely";
import { findOperator } from "../../publish/operators.ts";
import type { Database } from "../../store/database.ts";
import type { Expectation, Verdict } from "../../vocabulary/vocabulary.ts";
import { type ComplianceTimings, complianceTimings } from "./compliance-timings.ts";

export interface VerdictCounts {
  enforced: number;
  notEnforced: number;
  overBlocked: number;
  error: number;
}

/**
 * One operator's measured compliance, from the latest measurement of each name at each of its resolvers, with
 * its timed figures (compliance-timings.ts).
 */
export interface OperatorProbeCompliance extends ComplianceTimings {
  operator: string;
  resolvers: number;
  counts: VerdictCounts;
  /** Among names that must be blocked: enforced / (enforced + not enforced); null before any measurement. */
  shareEnforced: number | null;
  /** Names that must be blocked and that some resolver answers normally. */
  missedNames: string[];
  overBlockedNames: string[];
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
  const operators = await operatorsOf(db, operator);
  const resolverCounts = new Map(
    (
      await db
        .selectFrom("resolvers")
        .select(["operator_id", (eb) => eb.fn.countAll<number>().as("n")])
        .groupBy("operator_id")
        .execute()
    ).map((row) => [Number(row.operator_id), Number(row.n)]),
  );
  // An operator named is shown even with no resolver; listing all, only those with resolvers are.
  const shown = operators.filter(({ id }) => operator !== undefined || (resolverCounts.get(id) ?? 0) > 0);
  const timings = await complianceTimings(
    db,
    shown.map(({ id }) => id),
  );
  const results: OperatorProbeCompliance[] = [];
  for (const { id, name } of shown) {
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
      resolvers: resolverCounts.get(id) ?? 0,
      counts,
      shareEnforced: share(countVerdicts(blocked)),
      missedNames: await namesWith("not-enforced", ["blocked"]),
      overBlockedNames: await namesWith("over-blocked", ["lifted", "control"]),
      ...timings.get(id)!,
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
  const operators = await operatorsOf(db, operator);
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

/** The operator named (refused as `findOperator` refuses it), or every operator, by name. */
async function operatorsOf(
  db: Kysely<Database>,
  operator: string | undefined,
): Promise<Array<{ id: number; name: string }>> {
  if (operator) return [await findOperator(db, operator)];
  return (await db.selectFrom("operators").select(["id", "name"]).orderBy("name").execute()).map((row) => ({
    id: Number(row.id),
    name: row.name,
  }));
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
