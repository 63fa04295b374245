import { type Order, type OrderState, orderState } from "../intake/order.ts";
import { entryStates, type TargetState, targetStates } from "../intake/target.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { applyClock } from "./apply-clock.ts";

export interface RegistryStatus {
  at: string;
  orders: { total: number; byState: Record<OrderState, number> };
  targets: { total: number; byState: Record<TargetState, number> };
  entries: { total: number; byState: Record<(typeof entryStates)[number], number> };
}

/** Counts by state, after the clock has moved whatever time has moved (activations, expiries). */
export async function registryStatus(store: Store, now: Date): Promise<RegistryStatus> {
  return inTransaction(store.db, async (trx) => {
    await applyClock(trx, now);
    const orders = await trx.selectFrom("orders").select(["valid_from", "valid_until"]).execute();
    const counts = await trx
      .selectFrom("targets")
      .select(["state", (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy("state")
      .execute();
    const byOrderState: Record<OrderState, number> = { pending: 0, "in-force": 0, expired: 0 };
    for (const row of orders) {
      byOrderState[orderState({ validFrom: row.valid_from, validUntil: row.valid_until } as Order, now)]++;
    }
    const byTargetState = Object.fromEntries(targetStates.map((state) => [state, 0])) as Record<
      TargetState,
      number
    >;
    for (const row of counts) byTargetState[row.state] = Number(row.count);
    const byEntryState = Object.fromEntries(
      entryStates.map((state) => [state, byTargetState[state]]),
    ) as RegistryStatus["entries"]["byState"];
    return {
      at: now.toISOString(),
      orders: { total: orders.length, byState: byOrderState },
      targets: { total: sum(Object.values(byTargetState)), byState: byTargetState },
      entries: { total: sum(Object.values(byEntryState)), byState: byEntryState },
    };
  });
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
