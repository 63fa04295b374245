import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { idRange, parseDecimalInteger } from "../names/parse-decimal-integer.ts";
import type { Database } from "../store/database.ts";
import { type Order, orderFromRow } from "./order.ts";

export function parseOrderId(ref: string | number): number {
  const parsed = parseDecimalInteger(String(ref), idRange);
  if (!parsed.ok) {
    throw new DecreeError(
      "NUMBER_INVALID",
      `Order id ${parsed.message}. Order ids are positive whole numbers: see \`decree orders list\`.`,
    );
  }
  return parsed.value;
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
