import { type Kysely, sql } from "kysely";
import { isDecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { ScheduledApprovalState } from "../vocabulary/vocabulary.ts";
import { decideTargets } from "./decide-targets.ts";

export interface DueApprovalsResult {
  /** Targets approved now that their cancel window has ended. */
  applied: number[];
  /** Approvals that could no longer apply (the target changed meanwhile, e.g. from the shell), with why. */
  superseded: Array<{ targetId: number; code: string; message: string }>;
}

interface Due {
  id: number;
  target_id: number;
  actor: string;
  reason: string;
  scheduled_at: string;
}

const batch = 10_000;

/**
 * Applies every approval whose cancel window has ended, as its author and with its reason. Approvals given
 * together are applied together; when one of them can no longer apply, each is tried alone so that the others
 * still take effect. Idempotent and safe to run from several processes: a row leaves `pending` exactly once.
 */
export async function applyDueApprovals(store: Store, now: Date): Promise<DueApprovalsResult> {
  const due = await store.db
    .selectFrom("scheduled_approvals")
    .select(["id", "target_id", "actor", "reason", "scheduled_at"])
    // A literal state, so that SQLite matches the partial index scheduled_approvals_due, and its order, so
    // that the limit stops a walk of that index's range instead of a scan of every approval ever scheduled.
    .where("state", "=", sql.lit("pending"))
    .where("effective_at", "<=", now.toISOString())
    .orderBy("effective_at")
    .orderBy("id")
    .limit(batch)
    .execute();
  const result: DueApprovalsResult = { applied: [], superseded: [] };
  for (const group of groupByDecision(due)) {
    try {
      await applyGroup(store, group, now);
      result.applied.push(...group.map((row) => row.target_id));
    } catch (error) {
      if (!isDecreeError(error)) throw error;
      for (const row of group) await applyOne(store, row, now, result);
    }
  }
  return result;
}

function groupByDecision(rows: Due[]): Due[][] {
  const groups = new Map<string, Due[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.actor, row.reason, row.scheduled_at]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}

async function applyGroup(store: Store, group: Due[], now: Date): Promise<void> {
  const [first] = group;
  if (!first) return;
  await inTransaction(store.db, async (trx) => {
    await settle(trx, group, "applied", now);
    await decideTargets(
      { ...store, db: trx },
      {
        decision: "approve",
        refs: group.map((row) => String(row.target_id)),
        reason: first.reason,
        actor: first.actor,
        now,
        // Weighed when the approval was given; the window only delays it.
        policyWeighed: true,
      },
    );
  });
}

async function applyOne(store: Store, row: Due, now: Date, result: DueApprovalsResult): Promise<void> {
  try {
    await applyGroup(store, [row], now);
    result.applied.push(row.target_id);
  } catch (error) {
    if (!isDecreeError(error)) throw error;
    await inTransaction(store.db, async (trx) => {
      await settle(trx, [row], "superseded", now, `${error.code}: ${error.message}`);
      await appendEvents(trx, [
        {
          at: now.toISOString(),
          actor: "system:cancel-window",
          subject_type: "target",
          subject_id: row.target_id,
          action: "target.approval-superseded",
          reason: `the approval could not take effect: ${error.code}`,
          data: { code: error.code, message: error.message },
        },
      ]);
    });
    result.superseded.push({ targetId: row.target_id, code: error.code, message: error.message });
  }
}

async function settle(
  trx: Kysely<Database>,
  rows: Due[],
  state: ScheduledApprovalState,
  now: Date,
  outcome?: string,
) {
  const settled = await trx
    .updateTable("scheduled_approvals")
    .set({
      state,
      settled_at: now.toISOString(),
      settled_by: "system:cancel-window",
      outcome: outcome ?? null,
    })
    .where(
      "id",
      "in",
      rows.map((row) => row.id),
    )
    .where("state", "=", "pending")
    .executeTakeFirst();
  if (Number(settled.numUpdatedRows) !== rows.length) {
    // Cancelled or applied by someone else meanwhile: this transaction must not decide on stale grounds.
    throw new Error("scheduled approvals changed while being applied; the next run will look again");
  }
}
