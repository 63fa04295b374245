import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";

export interface ExclusiveUseStatement {
  statementId: number;
  address: string;
  statement: string;
  documentSha256: string;
  recordedAt: string;
}

/**
 * The statements of exclusive use recorded under an order, oldest first, for the public: what the authority
 * stated of each address and the hash of the document it rests on; who recorded it stays out, as in the log.
 */
export async function exclusiveUseOfOrder(
  db: Kysely<Database>,
  orderId: number,
): Promise<ExclusiveUseStatement[]> {
  const order = await db.selectFrom("orders").select("id").where("id", "=", orderId).executeTakeFirst();
  if (!order) throw new DecreeError("ORDER_NOT_FOUND", `No order ${orderId}: GET /orders lists them.`);
  const rows = await db
    .selectFrom("exclusive_use_statements")
    .select(["id", "address", "statement", "document_sha256", "recorded_at"])
    .where("order_id", "=", orderId)
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    statementId: Number(row.id),
    address: row.address,
    statement: row.statement,
    documentSha256: row.document_sha256,
    recordedAt: row.recorded_at,
  }));
}
