import { type Kysely, sql } from "kysely";
import type { Database } from "../../store/database.ts";
import type { Expectation, Verdict } from "../../vocabulary/vocabulary.ts";
import { addresseeKey } from "../addressee-organisations.ts";
import type { ScorecardDay, ScorecardFigures } from "./scorecard.ts";
import type { ScorecardTimings } from "./scorecard-timings.ts";

const listedNames = 100;
/** The days a scorecard's history keeps, newest last: a year, which a chart can still draw. */
const historyDays = 366;

interface Tally {
  enforced: number;
  notEnforced: number;
  overBlocked: number;
  failed: number;
  /** Verdicts that contradict the list: not enforced where blocked, blocked where it must resolve. */
  contradictions: number;
  /** Among names that must be blocked: enforced and not enforced. */
  blockedJudged: number;
  blockedEnforced: number;
}

type Group = { expectation: Expectation; verdict: Verdict; n: number | string | bigint };

/**
 * The error rate, as blocked.org.uk counts a list's mistakes: the probes whose verdict contradicts the list
 * (a name the list blocks answered normally, or a name it does not block — a lifted entry, a control name —
 * blocked) over the probes that drew a verdict. A probe that drew none (timeout, SERVFAIL) is no evidence either
 * way and counts apart.
 */
function tally(groups: readonly Group[]): Tally {
  const t: Tally = {
    enforced: 0,
    notEnforced: 0,
    overBlocked: 0,
    failed: 0,
    contradictions: 0,
    blockedJudged: 0,
    blockedEnforced: 0,
  };
  for (const group of groups) {
    const n = Number(group.n);
    if (group.verdict === "error") {
      t.failed += n;
      continue;
    }
    if (group.verdict === "enforced") t.enforced += n;
    else if (group.verdict === "not-enforced") t.notEnforced += n;
    else t.overBlocked += n;
    if (group.expectation === "blocked") {
      if (group.verdict === "enforced") t.blockedEnforced += n;
      if (group.verdict !== "over-blocked") t.blockedJudged += n;
      if (group.verdict === "not-enforced") t.contradictions += n;
    } else if (group.verdict !== "not-enforced") {
      // A name that must resolve and that the resolver blocked.
      t.contradictions += n;
    }
  }
  return t;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

function judged(t: Tally): number {
  return t.enforced + t.notEnforced + t.overBlocked;
}

/** The operator's measurements, of every name or of one order's entries. */
function measurementsOf(db: Kysely<Database>, operatorId: number, orderId: number | undefined) {
  let query = db.selectFrom("measurements").where("operator_id", "=", operatorId);
  if (orderId !== undefined) {
    query = query.where("target_id", "in", (eb) =>
      eb.selectFrom("targets").select("id").where("order_id", "=", orderId),
    );
  }
  return query;
}

/**
 * One operator's scorecard figures, on every name or on one order's: the headline figures from the latest
 * measurement of each (resolver, name, type), as probe-compliance.ts counts them, the history from every
 * measurement, day by day, and the timed figures the caller took from compliance's for every operator at once.
 */
export async function scorecardFigures(
  db: Kysely<Database>,
  operator: { id: number; name: string },
  timings: ScorecardTimings,
  orderId?: number,
): Promise<ScorecardFigures> {
  const newest = measurementsOf(db, operator.id, orderId)
    .select((eb) => eb.fn.max("id").as("id"))
    .groupBy(["resolver_id", "name", "qtype"]);
  const latest = db.selectFrom("measurements").selectAll().where("id", "in", newest);
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
  const now = tally(groups);
  const overBlocked = db
    .selectFrom(latest.as("latest"))
    .where("latest.verdict", "=", "over-blocked")
    .where("latest.expectation", "in", ["lifted", "control"]);
  const names = await overBlocked
    .select("latest.name")
    .distinct()
    .orderBy("latest.name")
    .limit(listedNames)
    .execute();
  const overBlockedCount = await overBlocked
    .select((eb) => eb.fn.count<number>("latest.name").distinct().as("n"))
    .executeTakeFirstOrThrow();
  const day = sql<string>`substr(at, 1, 10)`;
  const byDay = await measurementsOf(db, operator.id, orderId)
    .select([day.as("day"), "expectation", "verdict", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy([day, "expectation", "verdict"])
    .orderBy(day)
    .execute();
  const last = groups
    .map((group) => String(group.last ?? ""))
    .sort()
    .at(-1);
  return {
    probes: judged(now) + now.failed,
    shareEnforced: ratio(now.blockedEnforced, now.blockedJudged),
    ...timings,
    overBlockedNames: names.map((row) => row.name),
    overBlockedCount: Number(overBlockedCount.n),
    acknowledgedSerialLag: await acknowledgedSerialLag(db, operator.name),
    errorRate: ratio(now.contradictions, judged(now)),
    contradictions: now.contradictions,
    failedProbes: now.failed,
    lastMeasuredAt: last || null,
    history: history(byDay),
  };
}

function history(rows: ReadonlyArray<Group & { day: string }>): ScorecardDay[] {
  const days = new Map<string, Group[]>();
  for (const row of rows) days.set(row.day, [...(days.get(row.day) ?? []), row]);
  return [...days].slice(-historyDays).map(([day, groups]) => {
    const t = tally(groups);
    return {
      day,
      probes: judged(t) + t.failed,
      enforced: t.enforced,
      notEnforced: t.notEnforced,
      overBlocked: t.overBlocked,
      failed: t.failed,
      shareEnforced: ratio(t.blockedEnforced, t.blockedJudged),
      errorRate: ratio(t.contradictions, judged(t)),
    };
  });
}

/**
 * How many releases the operator's last acknowledgment is behind the latest, by the organisation named as the
 * operator (matched as orders' addressees are); null with no release or no acknowledgment.
 */
async function acknowledgedSerialLag(db: Kysely<Database>, operatorName: string): Promise<number | null> {
  const latest = await db
    .selectFrom("releases")
    .select("serial")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!latest) return null;
  const key = addresseeKey(operatorName);
  const organisations = (await db.selectFrom("organisations").select(["id", "name"]).execute())
    .filter((organisation) => addresseeKey(organisation.name) === key)
    .map((organisation) => Number(organisation.id));
  if (organisations.length === 0) return null;
  const acked = await db
    .selectFrom("acknowledgments")
    .select((eb) => eb.fn.max("serial").as("serial"))
    .where("organisation_id", "in", organisations)
    .executeTakeFirst();
  if (acked?.serial === null || acked?.serial === undefined) return null;
  return Math.max(0, Number(latest.serial) - Number(acked.serial));
}
