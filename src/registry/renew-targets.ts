import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { toInstant } from "../intake/instant.ts";
import type { Target } from "../intake/target.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { applyClock } from "./apply-clock.ts";
import { resolveTarget } from "./resolve-target.ts";
import { clockState, statesAllowing } from "./target-lifecycle.ts";

export interface RenewOptions {
  refs: string[];
  /** The new end of validity, an ISO 8601 instant. */
  until: string;
  reason: string;
  actor: string;
  now: Date;
  orderId?: number;
}

export interface RenewedTarget {
  id: number;
  orderId: number;
  value: string;
  from: Target["state"];
  to: Target["state"];
  previousUntil: string;
  until: string;
}

/**
 * Renewal is the one way an entry's end moves later: nothing is permanent, so a block outlives its `until` only
 * when a person says so, with a reason on the record, and never beyond the order that grants it. An expired
 * entry renewed while its order is still in force comes back into force; a lifted, rejected or suspended one
 * does not (lifting and appeals have their own paths). All or none, like every decision.
 */
export async function renewTargets(store: Store, options: RenewOptions): Promise<RenewedTarget[]> {
  const reason = options.reason.trim();
  if (reason === "") {
    throw new DecreeError("REASON_REQUIRED", 'Say why with --reason "…": every renewal is on the record.');
  }
  if (options.refs.length === 0) {
    throw new DecreeError("TARGET_NOT_FOUND", "Name at least one target, by id or by name.");
  }
  const until = parseUntil(options.until, options.now);
  return inTransaction(store.db, async (trx) => {
    await applyClock(trx, options.now);
    const renewed = await planRenewals(trx, options, until);
    const at = options.now.toISOString();
    for (const change of renewed) {
      const result = await trx
        .updateTable("targets")
        .set({ state: change.to, valid_until: change.until, updated_at: at })
        .where("id", "=", change.id)
        .where("state", "=", change.from)
        .where("valid_until", "=", change.previousUntil)
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) {
        throw new DecreeError(
          "TARGET_TRANSITION_INVALID",
          `Target ${change.id} (${change.value}) changed while it was renewed; look at it again and retry.`,
        );
      }
    }
    await appendEvents(
      trx,
      renewed.map((change) => ({
        at,
        actor: options.actor,
        subject_type: "target",
        subject_id: change.id,
        action: "target.renewed",
        from_state: change.from,
        to_state: change.to,
        reason,
        data: { previousUntil: change.previousUntil, until: change.until },
      })),
    );
    return renewed;
  });
}

async function planRenewals(
  trx: Kysely<Database>,
  options: RenewOptions,
  until: string,
): Promise<RenewedTarget[]> {
  const planned = new Map<number, RenewedTarget>();
  for (const ref of options.refs) {
    const target = await resolveTarget(trx, ref, "renew", options.orderId);
    if (planned.has(target.id)) continue;
    if (!statesAllowing("renew").includes(target.state)) {
      throw new DecreeError(
        "TARGET_TRANSITION_INVALID",
        `Target ${target.id} (${target.value}) is ${target.state}; only an entry that is ` +
          `${statesAllowing("renew").join(", ")} can be renewed. Blocking a lifted name again takes a new target.`,
      );
    }
    if (until <= target.validUntil) {
      throw new DecreeError(
        "RENEWAL_NOT_LATER",
        `Target ${target.id} (${target.value}) is valid until ${target.validUntil}; a renewal must end later ` +
          `than that, and ${until} does not.`,
      );
    }
    await assertWithinOrder(trx, target, until);
    const to = clockState({ validFrom: target.validFrom, validUntil: until }, options.now);
    planned.set(target.id, {
      id: target.id,
      orderId: target.orderId,
      value: target.value,
      from: target.state,
      to,
      previousUntil: target.validUntil,
      until,
    });
  }
  return [...planned.values()];
}

async function assertWithinOrder(trx: Kysely<Database>, target: Target, until: string): Promise<void> {
  const order = await trx
    .selectFrom("orders")
    .select(["authority", "case_number", "valid_until"])
    .where("id", "=", target.orderId)
    .executeTakeFirstOrThrow();
  if (until > order.valid_until) {
    throw new DecreeError(
      "TARGET_VALIDITY_BEYOND_ORDER",
      `Order ${order.case_number} (${order.authority}) is in force until ${order.valid_until}; target ${target.id} (${target.value}) ` +
        "cannot be renewed past it. Renew up to that date, or record the decision that extends the order.",
    );
  }
}

function parseUntil(text: string, now: Date): string {
  const trimmed = text.trim();
  const at = toInstant(trimmed);
  if (trimmed === "" || Number.isNaN(at.getTime())) {
    throw new DecreeError(
      "RENEWAL_NOT_LATER",
      `"${text}" is not a date; give the new end as 2027-06-01 or 2027-06-01T00:00:00Z.`,
    );
  }
  if (at <= now) {
    throw new DecreeError(
      "RENEWAL_NOT_LATER",
      `${at.toISOString()} is already past; a renewal ends in the future.`,
    );
  }
  return at.toISOString();
}
