import { type Kysely, sql } from "kysely";
import type { TargetState } from "../intake/target.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { clockState } from "./target-lifecycle.ts";

export interface ClockChange {
  targetId: number;
  from: TargetState;
  to: TargetState;
}

export const clockActor = "system:clock";

const chunk = 1000;

const literal = (state: TargetState) => sql.lit(state);

/**
 * Brings time-driven states up to date: an approved target becomes active when its validity begins, and every
 * entry expires at its end without anyone acting (a block that never ends is what decree exists to prevent).
 * Run inside the caller's transaction, before any decision, so decisions see current states.
 */
export async function applyClock(trx: Kysely<Database>, now: Date): Promise<ClockChange[]> {
  const at = now.toISOString();
  const due = await trx
    .selectFrom("targets")
    .select(["id", "state", "valid_from", "valid_until"])
    // The states are literals, not bound parameters: only then can SQLite match the query to the partial
    // indexes targets_due_to_start and targets_due_to_end (same WHERE); with parameters it scanned every
    // target, 0.2 s per tick at a million entries (bench/propagation).
    .where((eb) =>
      eb.or([
        eb.and([eb("state", "=", literal("approved")), eb("valid_from", "<=", at)]),
        eb.and([
          eb("state", "in", [literal("approved"), literal("active"), literal("suspended")]),
          eb("valid_until", "<=", at),
        ]),
      ]),
    )
    .execute();
  const changes = due.map((row) => ({
    targetId: row.id,
    from: row.state,
    to: clockState({ validFrom: row.valid_from, validUntil: row.valid_until }, now),
  }));
  for (const to of ["active", "expired"] as const) {
    const ids = changes.filter((change) => change.to === to).map((change) => change.targetId);
    for (let start = 0; start < ids.length; start += chunk) {
      await trx
        .updateTable("targets")
        .set({ state: to, updated_at: at })
        .where("id", "in", ids.slice(start, start + chunk))
        .execute();
    }
  }
  await appendEvents(
    trx,
    changes.map((change) => ({
      at,
      actor: clockActor,
      subject_type: "target",
      subject_id: change.targetId,
      action: change.to === "expired" ? "target.expired" : "target.activated",
      from_state: change.from,
      to_state: change.to,
      reason: change.to === "expired" ? "validity ended" : "validity began",
    })),
  );
  return changes;
}
