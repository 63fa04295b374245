import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { TargetState } from "../intake/target.ts";
import type { Database } from "../store/database.ts";
import type { TargetKind } from "../vocabulary/vocabulary.ts";
import { resolveTarget } from "./resolve-target.ts";
import { canDecide, type Decision, stateAfter, statesAllowing } from "./target-lifecycle.ts";

export interface DecisionRequest {
  decision: Decision;
  refs: string[];
  now: Date;
  orderId?: number | undefined;
}

export interface DecidedTarget {
  id: number;
  orderId: number;
  value: string;
  kind: TargetKind;
  from: TargetState;
  to: TargetState;
  /** Set when the approval waits for a second authority user (two-person rule); `to` is then `from`. */
  pending?: string;
}

/**
 * Works out what a decision would do to each target, refusing the whole batch at the first target it cannot
 * apply to. Writes nothing: `decideTargets` applies the plan, `scheduleApprovals` holds it for the cancel
 * window. Run inside the caller's transaction, after the clock.
 */
export async function planDecisions(
  trx: Kysely<Database>,
  request: DecisionRequest,
): Promise<DecidedTarget[]> {
  const decided = new Map<number, DecidedTarget>();
  const confirmed = new Map<number, boolean>();
  for (const ref of request.refs) {
    const target = await resolveTarget(trx, ref, request.decision, request.orderId);
    if (decided.has(target.id)) continue;
    if (!canDecide(request.decision, target.state)) {
      throw new DecreeError(
        "TARGET_TRANSITION_INVALID",
        `Target ${target.id} (${target.value}) is ${target.state}; ${request.decision} applies only to a target ` +
          `that is ${statesAllowing(request.decision).join(" or ")}.`,
        undefined,
        {
          id: target.id,
          value: target.value,
          state: target.state,
          decision: request.decision,
          allowed: statesAllowing(request.decision).join(", "),
        },
      );
    }
    await assertNoApprovalWaiting(trx, target);
    if (request.decision === "approve" && !(await orderConfirmed(trx, target.orderId, confirmed))) {
      throw new DecreeError(
        "ORDER_NOT_CONFIRMED",
        `Target ${target.id} (${target.value}) belongs to order ${target.orderId}, which an applicant submitted ` +
          `and no authority has confirmed yet. Confirm the order first (POST /orders/${target.orderId}/confirm).`,
        undefined,
        { id: target.id, value: target.value, orderId: target.orderId },
      );
    }
    const to = stateAfter(request.decision, target, request.now);
    if (to === "expired") {
      throw new DecreeError(
        "ORDER_EXPIRED",
        `Target ${target.id} (${target.value}) was valid until ${target.validUntil}; it cannot be approved now. ` +
          "Propose it under a decision that is in force.",
        undefined,
        { id: target.id, value: target.value, until: target.validUntil },
      );
    }
    const { id, orderId, value, kind } = target;
    decided.set(id, { id, orderId, value, kind, from: target.state, to });
  }
  return [...decided.values()];
}

/** An approval in its cancel window is a decision already taken: another one would race it. */
async function assertNoApprovalWaiting(trx: Kysely<Database>, target: { id: number; value: string }) {
  const waiting = await trx
    .selectFrom("scheduled_approvals")
    .select(["effective_at"])
    .where("target_id", "=", target.id)
    .where("state", "=", "pending")
    .executeTakeFirst();
  if (waiting) {
    throw new DecreeError(
      "APPROVAL_PENDING",
      `Target ${target.id} (${target.value}) was approved and the approval takes effect at ` +
        `${waiting.effective_at}; cancel it first (POST /targets/${target.id}/cancel-approval), or wait.`,
      { effectiveAt: waiting.effective_at },
      { id: target.id, value: target.value, at: waiting.effective_at },
    );
  }
}

async function orderConfirmed(trx: Kysely<Database>, orderId: number, known: Map<number, boolean>) {
  const cached = known.get(orderId);
  if (cached !== undefined) return cached;
  const row = await trx
    .selectFrom("orders")
    .select("confirmed_at")
    .where("id", "=", orderId)
    .executeTakeFirstOrThrow();
  known.set(orderId, row.confirmed_at !== null);
  return row.confirmed_at !== null;
}
