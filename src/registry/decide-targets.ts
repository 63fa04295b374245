import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { applyClock } from "./apply-clock.ts";
import { type DecidedTarget, planDecisions } from "./plan-decisions.ts";
import { type Decision, eventAction } from "./target-lifecycle.ts";
import { recordFirstApprovals, weighApprovals } from "./weigh-approvals.ts";

export type { DecidedTarget };

export interface DecideOptions {
  decision: Decision;
  refs: string[];
  reason: string;
  actor: string;
  now: Date;
  orderId?: number;
  /** The approval policy was consulted already, when the approval was scheduled (applyDueApprovals). */
  policyWeighed?: boolean;
}

/**
 * Applies one decision to several targets, all or none: one refused target leaves every other unchanged. An
 * approval consults the review stage's policy first (approval-policy.ts): a target held for a second authority
 * user is returned with `pending` and its state unchanged, the first approval recorded as an event.
 */
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
    const planned = await planDecisions(trx, options);
    const weighed =
      options.decision === "approve" && !options.policyWeighed
        ? await weighApprovals(trx, planned, options.actor)
        : { ready: planned, pending: [] };
    const decided = weighed.ready;
    const at = options.now.toISOString();
    for (const change of decided) {
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
      decided.map((change) => ({
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
    await recordFirstApprovals(trx, weighed.pending, { at, actor: options.actor, reason });
    const held = new Map(weighed.pending.map((target) => [target.id, target]));
    return planned.map((target) => held.get(target.id) ?? target);
  });
}
