import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { insertMany } from "../store/insert-many.ts";
import { applyClock } from "./apply-clock.ts";
import { type DecidedTarget, planDecisions } from "./plan-decisions.ts";
import { type FilterSelection, selectByFilter } from "./select-by-filter.ts";
import { recordFirstApprovals, weighApprovals } from "./weigh-approvals.ts";

const scheduleColumns = ["target_id", "actor", "reason", "scheduled_at", "effective_at", "state"] as const;

export interface ScheduleApprovalsOptions {
  refs: string[];
  /** Instead of refs: every proposed target matching a filter, read in the decision's transaction. */
  selection?: FilterSelection | undefined;
  reason: string;
  actor: string;
  now: Date;
  /** The cancel window: the approval takes effect this long after it is given. */
  windowMs: number;
}

export interface ScheduledApproval extends DecidedTarget {
  /** null: held for a second authority user (two-person rule), nothing scheduled. */
  effectiveAt: string | null;
}

/**
 * Approves targets with a cancel window: every check of an approval runs now, all or none, but the targets
 * stay `proposed` until the window ends. Nothing is published meanwhile, by construction rather than by care:
 * a release is built from the states of targets (build-release.ts), and these states have not changed; the
 * event written here changes no zone record, so the release it triggers is empty and is not made. When the
 * window ends, `applyDueApprovals` approves them as their author and with their reason; `cancelApproval`
 * undoes it before then.
 */
export async function scheduleApprovals(
  store: Store,
  options: ScheduleApprovalsOptions,
): Promise<ScheduledApproval[]> {
  const reason = options.reason.trim();
  if (reason === "") {
    throw new DecreeError(
      "REASON_REQUIRED",
      "Say why the targets are approved: every approval is on the record.",
    );
  }
  if (options.refs.length === 0 && !options.selection) {
    throw new DecreeError("TARGET_NOT_FOUND", "Name at least one target, by id or by name.");
  }
  return inTransaction(store.db, async (trx) => {
    await applyClock(trx, options.now);
    const refs = options.selection ? await selectByFilter(trx, options.selection) : options.refs;
    const all = await planDecisions(trx, { decision: "approve", refs, now: options.now });
    // The policy is weighed now, when the authority decides; the window only delays what it allowed.
    const weighed = await weighApprovals(trx, all, options.actor);
    const planned = weighed.ready;
    const at = options.now.toISOString();
    const effectiveAt = new Date(options.now.getTime() + options.windowMs).toISOString();
    await insertMany(trx, "scheduled_approvals", scheduleColumns, planned.length, (row, out, offset) => {
      out[offset] = planned[row]!.id;
      out[offset + 1] = options.actor;
      out[offset + 2] = reason;
      out[offset + 3] = at;
      out[offset + 4] = effectiveAt;
      out[offset + 5] = "pending";
    });
    await appendEvents(
      trx,
      planned.map((target) => ({
        at,
        actor: options.actor,
        subject_type: "target",
        subject_id: target.id,
        action: "target.approval-scheduled",
        from_state: target.from,
        to_state: target.from,
        reason,
        data: { effectiveAt, cancelWindowMs: options.windowMs },
      })),
    );
    await recordFirstApprovals(trx, weighed.pending, { at, actor: options.actor, reason });
    const held = new Map(weighed.pending.map((target) => [target.id, target]));
    return all.map((target) => {
      const pending = held.get(target.id);
      return pending ? { ...pending, effectiveAt: null } : { ...target, effectiveAt };
    });
  });
}
