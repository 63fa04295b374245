import { DecreeError } from "../errors/decree-error.ts";
import type { TargetState } from "../intake/target.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { applyClock } from "./apply-clock.ts";
import { resolveTarget } from "./resolve-target.ts";
import { canDecide, type Decision, eventAction, stateAfter, statesAllowing } from "./target-lifecycle.ts";

export interface DecideOptions {
  decision: Decision;
  refs: string[];
  reason: string;
  actor: string;
  now: Date;
  orderId?: number;
}

export interface DecidedTarget {
  id: number;
  orderId: number;
  value: string;
  kind: string;
  from: TargetState;
  to: TargetState;
}

/** Applies one decision to several targets, all or none: one refused target leaves every other unchanged. */
export async function decideTargets(store: Store, options: DecideOptions): Promise<DecidedTarget[]> {
  const reason = options.reason.trim();
  if (reason === "") {
    throw new DecreeError(
      "REASON_REQUIRED",
      `Say why with --reason "…": every ${options.decision} is on the record.`,
    );
  }
  if (options.refs.length === 0) {
    throw new DecreeError("TARGET_NOT_FOUND", "Name at least one target, by id or by name.");
  }
  return inTransaction(store.db, async (trx) => {
    await applyClock(trx, options.now);
    const decided = new Map<number, DecidedTarget>();
    for (const ref of options.refs) {
      const target = await resolveTarget(trx, ref, options.decision, options.orderId);
      if (decided.has(target.id)) continue;
      if (!canDecide(options.decision, target.state)) {
        throw new DecreeError(
          "TARGET_TRANSITION_INVALID",
          `Target ${target.id} (${target.value}) is ${target.state}; ${options.decision} applies only to a target ` +
            `that is ${statesAllowing(options.decision).join(" or ")}.`,
        );
      }
      const to = stateAfter(options.decision, target, options.now);
      if (to === "expired") {
        throw new DecreeError(
          "ORDER_EXPIRED",
          `Target ${target.id} (${target.value}) was valid until ${target.validUntil}; it cannot be approved now. ` +
            "Propose it under a decision that is in force.",
        );
      }
      decided.set(target.id, {
        id: target.id,
        orderId: target.orderId,
        value: target.value,
        kind: target.kind,
        from: target.state,
        to,
      });
    }
    const at = options.now.toISOString();
    for (const change of decided.values()) {
      // The state guard makes a concurrent decision on the same target (another API instance) fail loudly.
      const result = await trx
        .updateTable("targets")
        .set({ state: change.to, updated_at: at })
        .where("id", "=", change.id)
        .where("state", "=", change.from)
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) {
        throw new DecreeError(
          "TARGET_TRANSITION_INVALID",
          `Target ${change.id} (${change.value}) changed while this decision was made; look at it again and retry.`,
        );
      }
    }
    await appendEvents(
      trx,
      [...decided.values()].map((change) => ({
        at,
        actor: options.actor,
        subject_type: "target",
        subject_id: change.id,
        action: eventAction(options.decision, change.from),
        from_state: change.from,
        to_state: change.to,
        reason,
      })),
    );
    return [...decided.values()];
  });
}
