import type { Kysely } from "kysely";
import { defaultEde } from "../../intake/order-ede.ts";
import type { Database } from "../../store/database.ts";

/** For some names or addresses, the Extended DNS Error an order chose other than the default (RFC 8914). */
export type EdeLookup = (values: string[]) => Promise<Map<string, number>>;

const chunk = 1000;

/**
 * Asks the orders of the active targets. When two orders name the same value with different codes, the
 * earliest order's code is kept, so that a feed renders the same bytes whichever page holds the value.
 */
export function orderEdeLookup(db: Kysely<Database>): EdeLookup {
  return async (values) => {
    const codes = new Map<string, number>();
    for (let start = 0; start < values.length; start += chunk) {
      const rows = await db
        .selectFrom("targets")
        .innerJoin("orders", "orders.id", "targets.order_id")
        .select(["targets.value", "orders.ede"])
        .where("targets.value", "in", values.slice(start, start + chunk))
        .where("targets.state", "=", "active")
        .where("orders.ede", "is not", null)
        .orderBy("orders.id")
        .execute();
      for (const row of rows) {
        if (row.ede !== null && row.ede !== defaultEde && !codes.has(row.value))
          codes.set(row.value, row.ede);
      }
    }
    return codes;
  };
}
