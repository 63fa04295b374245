import type { Kysely } from "kysely";
import { findOrder } from "../intake/find-order.ts";
import { type Order, type OrderState, orderFromRow, orderState } from "../intake/order.ts";
import { type TargetState, targetStates } from "../intake/target.ts";
import type { Database } from "../store/database.ts";
import { listWindows, type PublicWindow, publicWindow } from "./list-windows.ts";

export interface OrderSummary extends Order {
  state: OrderState;
  targets: Record<TargetState, number>;
  /** One order shown: its blocking windows (none: its entries are blocked at all times). */
  windows?: PublicWindow[];
}

export async function listOrders(db: Kysely<Database>, now: Date): Promise<OrderSummary[]> {
  const rows = await db.selectFrom("orders").selectAll().orderBy("id").execute();
  const counts = await targetCounts(db);
  return rows.map((row) => summarize(orderFromRow(row), counts.get(row.id), now));
}

export async function showOrder(
  db: Kysely<Database>,
  ref: string | number,
  now: Date,
): Promise<OrderSummary> {
  const order = await findOrder(db, ref);
  const counts = await targetCounts(db, order.id);
  const windows = (await listWindows(db, [order.id])).map(publicWindow);
  return { ...summarize(order, counts.get(order.id), now), windows };
}

async function targetCounts(db: Kysely<Database>, orderId?: number) {
  let query = db
    .selectFrom("targets")
    .select(["order_id", "state", (eb) => eb.fn.countAll<number>().as("count")])
    .groupBy(["order_id", "state"]);
  if (orderId !== undefined) query = query.where("order_id", "=", orderId);
  const counts = new Map<number, Record<TargetState, number>>();
  for (const row of await query.execute()) {
    const perState = counts.get(row.order_id) ?? emptyCounts();
    perState[row.state] = Number(row.count);
    counts.set(row.order_id, perState);
  }
  return counts;
}

function emptyCounts(): Record<TargetState, number> {
  return Object.fromEntries(targetStates.map((state) => [state, 0])) as Record<TargetState, number>;
}

function summarize(order: Order, counts: Record<TargetState, number> | undefined, now: Date): OrderSummary {
  return { ...order, state: orderState(order, now), targets: counts ?? emptyCounts() };
}
