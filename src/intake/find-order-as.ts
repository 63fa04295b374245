import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import { findOrder, orderNotFound } from "./find-order.ts";
import type { Order } from "./order.ts";

/** Who acts on an order: an organisation restricted to its own orders (an applicant), or anyone (`null`). */
export type OrderScope = { ownOrganisationId: number } | null;

/**
 * Finds an order on behalf of someone who may act only on its own orders. Another organisation's order is
 * answered exactly as a missing one (404 ORDER_NOT_FOUND, not 403): a 403 would confirm that the id exists
 * and belongs to someone else, and RFC 9110 §15.5.5 lets a server hide a forbidden resource behind 404.
 */
export async function findOrderAs(
  db: Kysely<Database>,
  ref: string | number,
  scope: OrderScope,
): Promise<Order> {
  const order = await findOrder(db, ref);
  if (scope && order.ownerOrganisationId !== scope.ownOrganisationId) throw orderNotFound(order.id);
  return order;
}
