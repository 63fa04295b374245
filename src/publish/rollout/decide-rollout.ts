import { DecreeError } from "../../errors/decree-error.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import { appendEvents } from "../../store/append-events.ts";
import type { Store } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { type OpenRollout, openRollout } from "./open-rollout.ts";
import { promoteRollout } from "./promote-rollout.ts";

export interface RolloutDecision {
  /** `proceed`: release the staged release to everyone; `withdraw`: take its entries back. */
  decision: "proceed" | "withdraw";
  /** The staged release's serial (the release number feeds and `decree releases` show). */
  serial: number;
  reason: string;
  actor: string;
  now: Date;
}

/**
 * A person's decision on a staged release, halted or not. Proceed promotes it as it is. Withdraw suspends the
 * entries it withholds (a registry decision, one event each), so the next release takes them out of the zone:
 * a new, higher serial for everyone, never a serial going back.
 */
export async function decideRollout(store: Store, input: RolloutDecision): Promise<OpenRollout> {
  const reason = input.reason.trim();
  if (reason === "") {
    throw new DecreeError(
      "REASON_REQUIRED",
      `Say why with --reason "…": every ${input.decision} of a staged release is on the record.`,
    );
  }
  return inTransaction(store.db, async (trx) => {
    const rollout = await openRollout(trx);
    if (!rollout || rollout.serial !== input.serial) {
      throw new DecreeError(
        "ROLLOUT_NOT_STAGED",
        rollout
          ? `Release ${input.serial} is not the staged release: ${rollout.serial} is (${rollout.state}).`
          : `No release is staged now, so release ${input.serial} has nothing to decide.`,
        { serial: input.serial },
      );
    }
    if (input.decision === "proceed") {
      await promoteRollout(trx, rollout, {
        actor: input.actor,
        now: input.now,
        reason,
        action: "release.promoted",
      });
      return rollout;
    }
    const at = input.now.toISOString();
    await trx
      .updateTable("release_rollouts")
      .set({ state: "withdrawn", decided_at: at, decided_by: input.actor, reason })
      .where("id", "=", rollout.id)
      .execute();
    await appendEvents(trx, [
      {
        at,
        actor: input.actor,
        subject_type: "release",
        subject_id: rollout.releaseId,
        action: "release.withdrawn",
        from_state: rollout.state,
        to_state: "withdrawn",
        reason,
        data: {
          serial: rollout.serial,
          soaSerial: rollout.soaSerial,
          rollout: rollout.id,
          targets: rollout.targetIds,
        },
      },
    ]);
    const active = await trx
      .selectFrom("targets")
      .select("id")
      .where("id", "in", rollout.targetIds.length > 0 ? rollout.targetIds : [-1])
      .where("state", "=", "active")
      .execute();
    if (active.length > 0) {
      await decideTargets(
        { ...store, db: trx },
        {
          decision: "suspend",
          refs: active.map((row) => String(row.id)),
          reason: `staged release ${rollout.serial} withdrawn: ${reason}`,
          actor: input.actor,
          now: input.now,
        },
      );
    }
    return rollout;
  });
}
