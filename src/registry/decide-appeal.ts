import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { AppealDecision, AppealScope, AppealState } from "../intake/appeal.ts";
import type { TargetState } from "../intake/target.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { EventAction } from "../vocabulary/vocabulary.ts";
import { applyClock } from "./apply-clock.ts";
import { type DecidedTarget, decideTargets } from "./decide-targets.ts";
import { type SiteOf, siteSiblings } from "./site-siblings.ts";
import type { Decision } from "./target-lifecycle.ts";

export interface DecideAppealOptions {
  appealId: number;
  decision: AppealDecision;
  reason: string;
  actor: string;
  now: Date;
  /**
   * `entry`: the appealed entry alone; `site`: with it the order's other entries for the same site. Unset: a
   * suspension is of the entry (as before sites were known), and upholding or lifting follows the scope the
   * appeal was suspended with, so that what a suspension took out comes back or goes together.
   */
  scope?: AppealScope | undefined;
}

export interface DecidedAppeal {
  id: number;
  from: AppealState;
  to: AppealState;
  scope: AppealScope;
  /** What the decision did to the entry; null when the entry was already where the decision puts it. */
  target: DecidedTarget | null;
  /** What it did to the order's other entries for the site (scope `site`), those it changed only. */
  siblings: DecidedTarget[];
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
      .select(["id", "state", "order_id", "site"])
      .where("id", "=", appeal.target_id)
      .executeTakeFirstOrThrow();
    const scope = options.scope ?? (await suspensionScope(trx, appeal.id, options.decision));
    const entryDecision = entryDecisionFor(options.decision, target.state, appeal.id);
    const siblings =
      scope === "site"
        ? await siblingsToDecide(trx, options.decision, appeal.id, {
            targetId: Number(target.id),
            orderId: Number(target.order_id),
            site: target.site,
          })
        : [];
    const decision = entryDecision ?? siblingDecisions[options.decision];
    const refs = [...(entryDecision ? [target.id] : []), ...siblings].map(String);
    // One call for the entry and its siblings: one transaction, all or none, and so one release.
    const changed =
      refs.length > 0
        ? await decideTargets(
            { ...store, db: trx },
            {
              decision,
              refs,
              reason: `appeal ${appeal.id}: ${reason}`,
              actor: options.actor,
              now: options.now,
            },
          )
        : [];
    const entry = entryDecision ? changed.find((one) => one.id === Number(target.id)) : undefined;
    const changedSiblings = changed.filter((one) => one.id !== Number(target.id));
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
          entry: entry ? { from: entry.from, to: entry.to } : null,
          scope,
          siblings: changedSiblings.map((one) => ({ targetId: one.id, from: one.from, to: one.to })),
        },
      },
    ]);
    return { id: appeal.id, from, to, scope, target: entry ?? null, siblings: changedSiblings };
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

/** What a decision does to a sibling: the same as to the entry, where the sibling's state allows it. */
const siblingDecisions: Record<AppealDecision, Decision> = {
  suspend: "suspend",
  uphold: "approve",
  lift: "lift",
};

const siblingStatesFor: Record<AppealDecision, readonly TargetState[]> = {
  suspend: ["approved", "active"],
  uphold: ["suspended"],
  lift: ["approved", "active", "suspended"],
};

/**
 * The siblings a site-wide decision changes: those where it has an effect (a suspended one is not suspended
 * again). Upholding leaves alone a sibling another appeal holds suspended: that appeal's own decision is due.
 */
async function siblingsToDecide(
  trx: Kysely<Database>,
  decision: AppealDecision,
  appealId: number,
  entry: SiteOf,
): Promise<number[]> {
  const siblings = (await siteSiblings(trx, [entry])).get(entry.targetId) ?? [];
  const candidates = siblings
    .filter((sibling) => siblingStatesFor[decision].includes(sibling.state))
    .map((sibling) => sibling.id);
  if (decision !== "uphold" || candidates.length === 0) return candidates;
  const held = await trx
    .selectFrom("appeals")
    .select("target_id")
    .where("target_id", "in", candidates)
    .where("state", "=", "suspended")
    .where("id", "!=", appealId)
    .execute();
  const heldIds = new Set(held.map((row) => Number(row.target_id)));
  return candidates.filter((id) => !heldIds.has(id));
}

/** The scope the appeal was last suspended with, for upholding or lifting it; `entry` otherwise. */
async function suspensionScope(
  trx: Kysely<Database>,
  appealId: number,
  decision: AppealDecision,
): Promise<AppealScope> {
  if (decision === "suspend") return "entry";
  const suspended = await trx
    .selectFrom("events")
    .select("data")
    .where("subject_type", "=", "appeal")
    .where("subject_id", "=", appealId)
    .where("action", "=", "appeal.suspended")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!suspended) return "entry";
  const data: unknown = typeof suspended.data === "string" ? JSON.parse(suspended.data) : suspended.data;
  return typeof data === "object" && data !== null && (data as { scope?: unknown }).scope === "site"
    ? "site"
    : "entry";
}
