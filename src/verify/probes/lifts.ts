import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { askedName } from "./asked-name.ts";
import type { JudgedQuestion } from "./judge-measurements.ts";
import { dueOpenRows, markOpenRowsProbed, type OpenRow } from "./open-rows.ts";
import { coveredByZone } from "./probe-plan.ts";
import type { RegisteredResolver } from "./resolvers.ts";

/**
 * Time to lift, measured as time to enforce is (enforcements.ts), the other way: a release that takes a name
 * out of the zone (a lift, a suspension, an expiry, the end of a blocking window) opens one row per operator
 * with resolvers and name; the first probe that sees every resolver of the operator resolve the name again
 * closes it, and the time from the release to that probe is the operator's time to lift.
 */

const cursorName = "probes.lift";
const chunk = 400;

export const liftCauses = ["lift", "suspension", "expiry", "window-end"] as const;
export type LiftCause = (typeof liftCauses)[number];

/** A name a release took out, not yet seen resolving again at one operator. */
export type OpenLift = OpenRow;

/** Opens rows for the names each release since the last call took out of the zone. Idempotent. */
export async function openLifts(db: Kysely<Database>): Promise<number> {
  return inTransaction(db, async (trx) => {
    const cursor = await trx
      .selectFrom("job_cursors")
      .select("value")
      .where("name", "=", cursorName)
      .executeTakeFirst();
    const latest = await trx
      .selectFrom("releases")
      .select("id")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const latestId = Number(latest?.id ?? 0);
    if (!cursor) {
      await trx.insertInto("job_cursors").values({ name: cursorName, value: latestId }).execute();
      return 0;
    }
    const from = Number(cursor.value);
    if (latestId <= from) return 0;
    const operators = await trx.selectFrom("resolvers").select("operator_id").distinct().execute();
    const releases = await trx
      .selectFrom("releases")
      .select(["id", "serial", "created_at"])
      .where("id", ">", from)
      .where("id", "<=", latestId)
      .orderBy("id")
      .execute();
    let opened = 0;
    for (const release of releases) {
      const removed = await trx
        .selectFrom("release_changes")
        .select("owner")
        .where("release_id", "=", release.id)
        .where("op", "=", "del")
        .where("rtype", "!=", "TXT")
        .execute();
      const owners = new Set(removed.map((row) => row.owner));
      const asked = [
        ...new Set([...owners].map((owner) => askedName(owner, owners)).filter((n) => n !== undefined)),
      ];
      // A name another entry still blocks (or a later release blocked again) was not lifted.
      const covered = await coveredByZone(trx, asked);
      const names = asked.filter((name) => !covered.has(name));
      const causes = await causesOf(trx, names);
      const rows = operators.flatMap((operator) =>
        names.map((name) => ({
          operator_id: Number(operator.operator_id),
          release_id: Number(release.id),
          serial: Number(release.serial),
          name,
          cause: causes.get(name) ?? "lift",
          released_at: release.created_at,
          lifted_at: null,
          time_to_lift_ms: null,
          last_probed_at: null,
        })),
      );
      for (let start = 0; start < rows.length; start += chunk) {
        await trx
          .insertInto("lifts")
          .values(rows.slice(start, start + chunk))
          .onConflict((oc) => oc.columns(["operator_id", "release_id", "name"]).doNothing())
          .execute();
      }
      opened += rows.length;
    }
    await trx.updateTable("job_cursors").set({ value: latestId }).where("name", "=", cursorName).execute();
    return opened;
  });
}

/** Why each name left: its entry's state (lifted, suspended, expired), or a closed window of an active one. */
async function causesOf(trx: Kysely<Database>, names: readonly string[]): Promise<Map<string, LiftCause>> {
  const causes = new Map<string, LiftCause>();
  const values = [...new Set(names.flatMap((name) => [name, name.replace(/^www\./, "")]))];
  for (let start = 0; start < values.length; start += chunk) {
    const rows = await trx
      .selectFrom("targets")
      .select(["value", "state"])
      .where("value", "in", values.slice(start, start + chunk))
      .where("kind", "in", ["fqdn", "domain"])
      .orderBy("updated_at")
      .execute();
    for (const row of rows) {
      const cause: LiftCause | undefined =
        row.state === "suspended"
          ? "suspension"
          : row.state === "expired"
            ? "expiry"
            : row.state === "active"
              ? "window-end"
              : row.state === "lifted"
                ? "lift"
                : undefined;
      if (cause) causes.set(row.value, cause);
    }
  }
  for (const name of names) {
    const parent = causes.get(name.replace(/^www\./, ""));
    if (!causes.has(name) && parent) causes.set(name, parent);
  }
  return causes;
}

/** Open rows due for another probe, with the same back-off as names a release added (open-rows.ts). */
export function dueLifts(
  db: Kysely<Database>,
  options: { now: Date; minIntervalMs: number; horizonMs: number; limit: number },
): Promise<OpenLift[]> {
  return dueOpenRows(db, "lifts", options);
}

export function markLiftsProbed(db: Kysely<Database>, ids: readonly number[], at: Date): Promise<void> {
  return markOpenRowsProbed(db, "lifts", ids, at);
}

/**
 * Closes the open rows these measurements show lifted: every resolver of the operator asked about the name
 * resolved it (a `lifted` question judged `not-enforced`, with an address: an NXDOMAIN the reference shares
 * proves nothing). The latest of those answers is when the operator lifted it.
 */
export async function closeLifts(
  db: Kysely<Database>,
  judged: readonly JudgedQuestion<RegisteredResolver>[],
): Promise<number> {
  const byOperatorName = new Map<string, { operatorId: number; name: string; all: boolean; at: string }>();
  for (const question of judged) {
    if (question.item.expectation !== "lifted") continue;
    const key = `${question.resolver.operatorId} ${question.item.name.toLowerCase()}`;
    const seen = byOperatorName.get(key) ?? {
      operatorId: question.resolver.operatorId,
      name: question.item.name.toLowerCase(),
      all: true,
      at: question.at,
    };
    seen.all &&=
      question.classification.verdict === "not-enforced" &&
      (question.outcome.answer?.addresses.length ?? 0) > 0;
    if (question.at > seen.at) seen.at = question.at;
    byOperatorName.set(key, seen);
  }
  const lifted = [...byOperatorName.values()].filter((seen) => seen.all);
  if (lifted.length === 0) return 0;
  return inTransaction(db, async (trx) => {
    let closed = 0;
    for (const seen of lifted) {
      const open = await trx
        .selectFrom("lifts")
        .select(["id", "released_at"])
        .where("operator_id", "=", seen.operatorId)
        .where("name", "=", seen.name)
        .where("lifted_at", "is", null)
        .where("released_at", "<=", seen.at)
        .execute();
      for (const row of open) {
        await trx
          .updateTable("lifts")
          .set({
            lifted_at: seen.at,
            time_to_lift_ms: Math.max(0, Date.parse(seen.at) - Date.parse(row.released_at)),
          })
          .where("id", "=", row.id)
          .execute();
        closed++;
      }
    }
    return closed;
  });
}
