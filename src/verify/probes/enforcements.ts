import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { askedName } from "./asked-name.ts";
import type { JudgedQuestion } from "./judge-measurements.ts";
import { dueOpenRows, markOpenRowsProbed, type OpenRow } from "./open-rows.ts";
import type { RegisteredResolver } from "./resolvers.ts";

const cursorName = "probes.release";
const chunk = 400;

/** A name a release added, not yet seen enforced by one operator. */
export type OpenEnforcement = OpenRow;

/**
 * Opens one row per (operator with resolvers, name) for every name each release since the last call added, so
 * that the names are probed until enforced: the time from the release to the first probe that sees every one
 * of the operator's resolvers block the name is its time to enforce. Idempotent: a cursor and a unique key.
 */
export async function openEnforcements(db: Kysely<Database>): Promise<number> {
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
      // The first run starts from now: releases before probing began have no time to enforce to measure.
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
      const added = await trx
        .selectFrom("release_changes")
        .select("owner")
        .where("release_id", "=", release.id)
        .where("op", "=", "add")
        // The canary changes with every release; it is no name to enforce.
        .where("rtype", "!=", "TXT")
        .execute();
      const owners = new Set(added.map((row) => row.owner));
      const names = [
        ...new Set([...owners].map((owner) => askedName(owner, owners)).filter((n) => n !== undefined)),
      ];
      const rows = operators.flatMap((operator) =>
        names.map((name) => ({
          operator_id: Number(operator.operator_id),
          release_id: Number(release.id),
          serial: Number(release.serial),
          name,
          released_at: release.created_at,
          enforced_at: null,
          time_to_enforce_ms: null,
          last_probed_at: null,
        })),
      );
      for (let start = 0; start < rows.length; start += chunk) {
        await trx
          .insertInto("enforcements")
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

/** Open rows due for another probe (open-rows.ts). */
export function dueEnforcements(
  db: Kysely<Database>,
  options: { now: Date; minIntervalMs: number; horizonMs: number; limit: number },
): Promise<OpenEnforcement[]> {
  return dueOpenRows(db, "enforcements", options);
}

export function markProbed(db: Kysely<Database>, ids: readonly number[], at: Date): Promise<void> {
  return markOpenRowsProbed(db, "enforcements", ids, at);
}

/**
 * Closes the open rows that these measurements show enforced: every resolver of the operator asked about the
 * name answered `enforced`. The time of the latest of those answers is when the operator enforced it.
 */
export async function closeEnforcements(
  db: Kysely<Database>,
  judged: readonly JudgedQuestion<RegisteredResolver>[],
): Promise<number> {
  const byOperatorName = new Map<string, { operatorId: number; name: string; all: boolean; at: string }>();
  for (const question of judged) {
    if (question.item.expectation !== "blocked") continue;
    const key = `${question.resolver.operatorId} ${question.item.name}`;
    const seen = byOperatorName.get(key) ?? {
      operatorId: question.resolver.operatorId,
      name: question.item.name,
      all: true,
      at: question.at,
    };
    seen.all &&= question.classification.verdict === "enforced";
    if (question.at > seen.at) seen.at = question.at;
    byOperatorName.set(key, seen);
  }
  const enforced = [...byOperatorName.values()].filter((seen) => seen.all);
  if (enforced.length === 0) return 0;
  return inTransaction(db, async (trx) => {
    let closed = 0;
    for (const seen of enforced) {
      const open = await trx
        .selectFrom("enforcements")
        .select(["id", "released_at"])
        .where("operator_id", "=", seen.operatorId)
        .where("name", "=", seen.name)
        .where("enforced_at", "is", null)
        .where("released_at", "<=", seen.at)
        .execute();
      for (const row of open) {
        await trx
          .updateTable("enforcements")
          .set({
            enforced_at: seen.at,
            time_to_enforce_ms: Math.max(0, Date.parse(seen.at) - Date.parse(row.released_at)),
          })
          .where("id", "=", row.id)
          .execute();
        closed++;
      }
    }
    return closed;
  });
}
