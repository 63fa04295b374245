import type { Kysely } from "kysely";
import { findOrder } from "../../intake/find-order.ts";
import type { Database } from "../../store/database.ts";
import { archivedStates, lumenNotice } from "./lumen-notice.ts";

/** An order and its archived entries as a Lumen CourtOrder notice; `orderUrl` is where the registry shows it. */
export async function orderNotice(
  db: Kysely<Database>,
  ref: string | number,
  orderUrl: (id: number) => string,
) {
  const order = await findOrder(db, ref);
  const rows = await db
    .selectFrom("targets")
    .select(["kind", "value", "state"])
    .where("order_id", "=", order.id)
    .where("state", "in", archivedStates)
    .orderBy("id")
    .execute();
  const targets = rows.map((row) => ({ kind: row.kind, value: row.value, state: row.state }));
  return lumenNotice(order, targets, orderUrl(order.id));
}
