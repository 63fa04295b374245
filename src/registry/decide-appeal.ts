import { DecreeError } from "../errors/decree-error.ts";
import type { AppealDecision, AppealState } from "../intake/appeal.ts";
import type { TargetState } from "../intake/target.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { EventAction } from "../vocabulary/vocabulary.ts";
import { applyClock } from "./apply-clock.ts";
import { type DecidedTarget, decideTargets } from "./decide-targets.ts";
import type { Decision } from "./target-lifecycle.ts";

export interface DecideAppealOptions {
  appealId: number;
  decision: AppealDecision;
  reason: string;
  actor: string;
  now: Date;
}

export interface DecidedAppeal {
  id: number;
  from: AppealState;
  to: AppealState;
  /** What the decision did to the entry; null when the entry was already where the decision puts it. */
  target: DecidedTarget | null;
}

/** Which appeal states each decision applies to: a suspension is interim, upholding and lifting are final. */
const allowedFrom: Record<AppealDecision, readonly AppealState[]> = {
  suspend: ["open"],
  uphold: ["open", "suspended"],
  lift: ["open", "suspended"],
};

const stateAfter: Record<AppealDecision, AppealState> = {
  suspend: "suspended",
  uphold: "upheld",
  lift: "lifted",
};

const eventActions: Record<AppealDecision, EventAction> = {
  suspend: "appeal.suspended",
  uphold: "appeal.upheld",
  lift: "appeal.lifted",
};

/**
 * The authority's decision on an appeal, and its effect on the entry, in one transaction: `suspend` takes
 * the entry out of the next release at once, `uphold` keeps it (reinstating it if it was suspended), `lift`
 * ends it. The entry's change goes through `decideTargets`, so it is the same event as any other decision.
 */
export async function decideAppeal(store: Store, options: DecideAppealOptions): Promise<DecidedAppeal> {
  const reason = options.reason.trim();
  if (reason === "") {
    throw new DecreeError("REASON_REQUIRED", "Say why: every decision on an appeal is on the record.");
  }
  return inTransaction(store.db, async (trx) => {
    await applyClock(trx, options.now);
    const appeal = await trx
      .selectFrom("appeals")
      .select(["id", "state", "target_id"])
      .where("id", "=", options.appealId)
      .executeTakeFirst();
    if (!appeal) {
      throw new DecreeError(
        "APPEAL_NOT_FOUND",
        `There is no appeal ${options.appealId}; GET /appeals lists them.`,
        undefined,
        { id: options.appealId },
      );
    }
    const from = appeal.state;
    if (!allowedFrom[options.decision].includes(from)) {
      throw new DecreeError(
        "APPEAL_DECISION_INVALID",
        `Appeal ${appeal.id} is ${from}; ${options.decision} applies only to an appeal that is ` +
          `${allowedFrom[options.decision].join(" or ")}.`,
        undefined,
        {
          id: appeal.id,
          state: from,
          decision: options.decision,
          allowed: allowedFrom[options.decision].join(", "),
        },
      );
    }
    const target = await trx
      .selectFrom("targets")
      .select(["id", "state"])
      .where("id", "=", appeal.target_id)
      .executeTakeFirstOrThrow();
    const entryDecision = entryDecisionFor(options.decision, target.state, appeal.id);
    const [changed] = entryDecision
      ? await decideTargets(
          { ...store, db: trx },
          {
            decision: entryDecision,
            refs: [String(target.id)],
            reason: `appeal ${appeal.id}: ${reason}`,
            actor: options.actor,
            now: options.now,
          },
        )
      : [];
    const to = stateAfter[options.decision];
    const at = options.now.toISOString();
    // The state guard makes a concurrent decision on the same appeal (another API instance) fail loudly.
    const updated = await trx
      .updateTable("appeals")
      .set({ state: to, updated_at: at })
      .where("id", "=", appeal.id)
      .where("state", "=", from)
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) {
      throw new DecreeError(
        "APPEAL_DECISION_INVALID",
        `Appeal ${appeal.id} changed while this decision was made; look at it again and retry.`,
      );
    }
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "appeal",
        subject_id: appeal.id,
        action: eventActions[options.decision],
        from_state: from,
        to_state: to,
        reason,
        data: {
          targetId: target.id,
          entry: changed ? { from: changed.from, to: changed.to } : null,
        },
      },
    ]);
    return { id: appeal.id, from, to, target: changed ?? null };
  });
}

/**
 * What the appeal's decision asks of the entry, given where the entry is: nothing when it is already there
 * (suspended by another appeal, ended meanwhile). Suspending an entry that no longer blocks is refused, since
 * it would promise an effect it cannot have.
 */
function entryDecisionFor(decision: AppealDecision, state: TargetState, appealId: number): Decision | null {
  switch (decision) {
    case "suspend":
      if (state === "approved" || state === "active") return "suspend";
      if (state === "suspended") return null;
      throw new DecreeError(
        "APPEAL_DECISION_INVALID",
        `The entry of appeal ${appealId} is ${state}: it no longer blocks, so there is nothing to suspend. ` +
          "Uphold or lift the appeal to close it.",
      );
    case "uphold":
      return state === "suspended" ? "approve" : null;
    case "lift":
      return state === "approved" || state === "active" || state === "suspended" ? "lift" : null;
  }
}
