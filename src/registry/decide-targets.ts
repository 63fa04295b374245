import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { applyClock } from "./apply-clock.ts";
import { type DecidedTarget, planDecisions } from "./plan-decisions.ts";
import { type FilterSelection, selectByFilter } from "./select-by-filter.ts";
import { type Decision, eventAction } from "./target-lifecycle.ts";
import { recordFirstApprovals, weighApprovals } from "./weigh-approvals.ts";

export type { DecidedTarget };

export interface DecideOptions {
  decision: Decision;
  refs: string[];
  /** Instead of refs: every proposed target matching a filter, read in the decision's transaction. */
  selection?: FilterSelection | undefined;
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
  if (options.refs.length === 0 && !options.selection) {
    throw new DecreeError("TARGET_NOT_FOUND", "Name at least one target, by id or by name.");
  }
  return inTransaction(store.db, async (trx) => {
    await applyClock(trx, options.now);
    const refs = options.selection ? await selectByFilter(trx, options.selection) : options.refs;
    const planned = await planDecisions(trx, { ...options, refs });
    const weighed =
      options.decision === "approve" && !options.policyWeighed
        ? await weighApprovals(trx, planned, options.actor)
        : { ready: planned, pending: [] };
    const decided = weighed.ready;
    const at = options.now.toISOString();
    await applyStates(trx, decided, at);
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

/** Ids per statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const idChunk = 500;

/**
 * Moves each target from its planned state to the next, 500 a statement. The state guard makes a concurrent
 * decision on the same target (another API instance) fail loudly, and the whole batch with it.
 */
async function applyStates(trx: Kysely<Database>, decided: DecidedTarget[], at: string): Promise<void> {
  const moves = new Map<string, DecidedTarget[]>();
  for (const change of decided) {
    const key = `${change.from} ${change.to}`;
    const group = moves.get(key) ?? [];
    group.push(change);
    moves.set(key, group);
  }
  for (const group of moves.values()) {
    const { from, to } = group[0]!;
    for (let start = 0; start < group.length; start += idChunk) {
      const chunk = group.slice(start, start + idChunk);
      const result = await trx
        .updateTable("targets")
        .set({ state: to, updated_at: at })
        .where(
          "id",
          "in",
          chunk.map((change) => change.id),
        )
        .where("state", "=", from)
        .executeTakeFirst();
      if (result.numUpdatedRows === BigInt(chunk.length)) continue;
      const moved = await trx
        .selectFrom("targets")
        .select("id")
        .where(
          "id",
          "in",
          chunk.map((change) => change.id),
        )
        .where("state", "=", to)
        .where("updated_at", "=", at)
        .execute();
      const done = new Set(moved.map((row) => Number(row.id)));
      const changed = chunk.find((change) => !done.has(change.id)) ?? chunk[0]!;
      throw new DecreeError(
        "TARGET_TRANSITION_INVALID",
        `Target ${changed.id} (${changed.value}) changed while this decision was made; look at it again and retry.`,
      );
    }
  }
}
