import type { Kysely } from "kysely";
import { approvalPendingAction, targetsToWeigh, weighApproval } from "../review/approval-policy.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import type { DecidedTarget } from "./plan-decisions.ts";

export const secondApprovalNeeded = "second approval needed";

export interface WeighedApprovals {
  ready: DecidedTarget[];
  /** Held for a second authority user; `to` is `from`. */
  pending: DecidedTarget[];
}

/**
 * Splits planned approvals by the review policy: those that may take effect, those that wait for a second
 * person. A target blocked by a finding refuses the whole batch (the policy throws), as any refused target does.
 */
export async function weighApprovals(
  trx: Kysely<Database>,
  planned: DecidedTarget[],
  actor: string,
): Promise<WeighedApprovals> {
  const weighed: WeighedApprovals = { ready: [], pending: [] };
  const toWeigh = await targetsToWeigh(
    trx,
    planned.map((target) => target.id),
  );
  for (const target of planned) {
    if (!toWeigh.has(target.id)) {
      weighed.ready.push(target);
      continue;
    }
    const verdict = await weighApproval(
      trx,
      { id: target.id, value: target.value, state: target.from },
      actor,
    );
    if (verdict.kind === "approve") weighed.ready.push(target);
    else weighed.pending.push({ ...target, to: target.from, pending: secondApprovalNeeded });
  }
  return weighed;
}

/** The first of two approvals is on the record as an event; it changes no state, so no release follows. */
export async function recordFirstApprovals(
  trx: Kysely<Database>,
  pending: DecidedTarget[],
  event: { at: string; actor: string; reason: string },
): Promise<void> {
  await appendEvents(
    trx,
    pending.map((target) => ({
      ...event,
      subject_type: "target",
      subject_id: target.id,
      action: approvalPendingAction,
      from_state: target.from,
      to_state: target.from,
      data: { needs: secondApprovalNeeded },
    })),
  );
}
