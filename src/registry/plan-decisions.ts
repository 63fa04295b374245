import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { TargetState } from "../intake/target.ts";
import type { Database } from "../store/database.ts";
import type { TargetKind } from "../vocabulary/vocabulary.ts";
import { resolveTargets } from "./resolve-target.ts";
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
  const targets = await resolveTargets(trx, request.refs, request.decision, request.orderId);
  const waiting = await approvalsWaiting(
    trx,
    targets.map((target) => target.id),
  );
  for (const target of targets) {
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
    assertNoApprovalWaiting(target, waiting);
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

/** Ids per query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const idChunk = 500;

/** When each of these targets' approval in its cancel window takes effect, for those that have one. */
async function approvalsWaiting(trx: Kysely<Database>, ids: readonly number[]) {
  const waiting = new Map<number, string>();
  for (let start = 0; start < ids.length; start += idChunk) {
    const rows = await trx
      .selectFrom("scheduled_approvals")
      .select(["target_id", "effective_at"])
      .where("target_id", "in", ids.slice(start, start + idChunk))
      .where("state", "=", "pending")
      .execute();
    for (const row of rows) waiting.set(Number(row.target_id), row.effective_at);
  }
  return waiting;
}

/** An approval in its cancel window is a decision already taken: another one would race it. */
function assertNoApprovalWaiting(target: { id: number; value: string }, waiting: Map<number, string>) {
  const effectiveAt = waiting.get(target.id);
  if (effectiveAt !== undefined) {
    throw new DecreeError(
      "APPROVAL_PENDING",
      `Target ${target.id} (${target.value}) was approved and the approval takes effect at ` +
        `${effectiveAt}; cancel it first (POST /targets/${target.id}/cancel-approval), or wait.`,
      { effectiveAt },
      { id: target.id, value: target.value, at: effectiveAt },
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
