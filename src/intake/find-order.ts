import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import { type Order, orderFromRow } from "./order.ts";

export function parseOrderId(ref: string | number): number {
  const id = typeof ref === "number" ? ref : Number(String(ref).trim());
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new DecreeError(
      "ORDER_NOT_FOUND",
      `"${ref}" is not an order id. Order ids are positive whole numbers: see \`decree orders list\`.`,
    );
  }
  return id;
}

export async function findOrder(db: Kysely<Database>, ref: string | number): Promise<Order> {
  const id = parseOrderId(ref);
  const row = await db.selectFrom("orders").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw orderNotFound(id);
  return orderFromRow(row);
}

/** The one refusal for a missing order, also given for another organisation's order (find-order-as.ts). */
export function orderNotFound(id: number): DecreeError {
  return new DecreeError(
    "ORDER_NOT_FOUND",
    `There is no order ${id}. See \`decree orders list\` for the ids.`,
  );
}
