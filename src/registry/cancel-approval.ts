import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";

export interface CancelApprovalOptions {
  actor: string;
  now: Date;
  reason?: string | undefined;
}

/**
 * Withdraws an approval during its cancel window: the target stays `proposed`, back in the review queue. The
 * window is closed at `effective_at` whether or not the approval has been applied yet, so what a cancellation
 * can undo never depends on how late the background job runs.
 */
export async function cancelApproval(store: Store, targetId: number, options: CancelApprovalOptions) {
  const at = options.now.toISOString();
  const reason = options.reason?.trim() || "approval cancelled within its cancel window";
  return inTransaction(store.db, async (trx) => {
    const waiting = await trx
      .selectFrom("scheduled_approvals")
      .select(["id", "effective_at"])
      .where("target_id", "=", targetId)
      .where("state", "=", "pending")
      .executeTakeFirst();
    if (!waiting) throw await nothingToCancel(trx, targetId);
    if (waiting.effective_at <= at) throw windowClosed(targetId, waiting.effective_at);
    // The guard on state and time loses cleanly to the job applying it at the same instant.
    const result = await trx
      .updateTable("scheduled_approvals")
      .set({ state: "cancelled", settled_at: at, settled_by: options.actor })
      .where("id", "=", waiting.id)
      .where("state", "=", "pending")
      .where("effective_at", ">", at)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw windowClosed(targetId, waiting.effective_at);
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "target",
        subject_id: targetId,
        action: "target.approval-cancelled",
        from_state: "proposed",
        to_state: "proposed",
        reason,
        data: { effectiveAt: waiting.effective_at },
      },
    ]);
    return { targetId, state: "proposed" as const, cancelledAt: at };
  });
}

function windowClosed(targetId: number, effectiveAt: string): DecreeError {
  return new DecreeError(
    "APPROVAL_WINDOW_CLOSED",
    `The approval of target ${targetId} took effect at ${effectiveAt}; it can no longer be cancelled. ` +
      "Suspend or lift the entry instead, with a reason.",
    { effectiveAt },
  );
}

async function nothingToCancel(trx: Kysely<Database>, targetId: number): Promise<DecreeError> {
  const target = await trx
    .selectFrom("targets")
    .select("state")
    .where("id", "=", targetId)
    .executeTakeFirst();
  if (!target) {
    return new DecreeError("TARGET_NOT_FOUND", `There is no target ${targetId}. See GET /review/queue.`);
  }
  if (target.state !== "proposed") {
    return new DecreeError(
      "APPROVAL_WINDOW_CLOSED",
      `Target ${targetId} is ${target.state}: no approval of it is waiting. Suspend or lift it instead.`,
    );
  }
  return new DecreeError(
    "APPROVAL_NOT_FOUND",
    `No approval of target ${targetId} is waiting; it is still proposed, so there is nothing to cancel.`,
  );
}
