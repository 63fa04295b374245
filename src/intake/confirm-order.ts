import { sql } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { findOrder } from "./find-order.ts";
import type { Order } from "./order.ts";

export interface ConfirmOrderOptions {
  actor: string;
  now: Date;
  reason?: string | undefined;
}

/**
 * An authority confirms an order an applicant submitted: that the decision exists and says what the applicant
 * wrote. Until then none of its targets can be approved, so an applicant alone can never get a name blocked.
 */
export async function confirmOrder(
  store: Store,
  ref: string | number,
  options: ConfirmOrderOptions,
): Promise<Order> {
  return inTransaction(store.db, async (trx) => {
    const order = await findOrder(trx, ref);
    if (order.confirmedAt !== null) {
      throw new DecreeError(
        "ORDER_ALREADY_CONFIRMED",
        `Order ${order.id} was confirmed at ${order.confirmedAt} by ${order.confirmedBy}; there is nothing to do.`,
      );
    }
    const at = options.now.toISOString();
    // The guard makes a second authority confirming at the same moment (another API instance) fail loudly.
    const result = await trx
      .updateTable("orders")
      .set({ confirmed_at: at, confirmed_by: options.actor })
      .where("id", "=", order.id)
      .where("confirmed_at", "is", null)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) {
      throw new DecreeError(
        "ORDER_ALREADY_CONFIRMED",
        `Order ${order.id} was confirmed meanwhile; nothing to do.`,
      );
    }
    // The order-scope check said, of each target proposed meanwhile, that the order awaited confirmation: once
    // confirmed that is no longer so, and a reviewer would read it on every target of the order. The event
    // below keeps when it stopped being true.
    await trx
      .deleteFrom("findings")
      .where("findings.code", "=", "ORDER_NOT_CONFIRMED")
      .where("findings.target_id", "in", (eb) =>
        eb
          .selectFrom("targets")
          .select("targets.id")
          .where("targets.order_id", "=", order.id)
          .where("targets.state", "=", sql.lit("proposed")),
      )
      .execute();
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "order",
        subject_id: order.id,
        action: "order.confirmed",
        reason: options.reason?.trim() || null,
        data: { ownerOrganisationId: order.ownerOrganisationId },
      },
    ]);
    return findOrder(trx, order.id);
  });
}
