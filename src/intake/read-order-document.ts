import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import { findOrderAs, type OrderScope } from "./find-order-as.ts";

/** An order's stored document, bytes and all. */
export async function readOrderDocument(db: Kysely<Database>, orderRef: string | number, scope: OrderScope) {
  const order = await findOrderAs(db, orderRef, scope);
  const row = await db
    .selectFrom("documents")
    .selectAll()
    .where("order_id", "=", order.id)
    .executeTakeFirst();
  if (!row) {
    throw new DecreeError(
      "DOCUMENT_NOT_FOUND",
      `Order ${order.id} has no stored document${order.document.url ? `; it names ${order.document.url}` : ""}. ` +
        `Upload it with POST /orders/${order.id}/document.`,
    );
  }
  return {
    sha256: row.sha256,
    mediaType: row.media_type,
    size: Number(row.size),
    bytes: Buffer.from(row.bytes),
  };
}
