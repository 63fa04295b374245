import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import type { TargetState } from "../../vocabulary/vocabulary.ts";

/**
 * Target states whose name still speaks for the order. Proposed ones count: the original is best captured
 * when the order is recorded, before the site is blocked and moves; rejected and lifted ones never or no longer do.
 */
const blockedStates: TargetState[] = ["proposed", "approved", "active", "suspended", "expired"];

/**
 * The names an order blocks that a mirror could copy: its own name and domain targets (a URL's host is a
 * page, not a site). Entries only, never a mirror queued earlier: mirrors are compared with the original.
 */
export async function blockedNames(
  db: Kysely<Database>,
  orderId: number,
): Promise<Array<{ name: string; kind: "fqdn" | "domain" }>> {
  const rows = await db
    .selectFrom("targets")
    .select(["value", "kind"])
    .where("order_id", "=", orderId)
    .where("kind", "in", ["fqdn", "domain"])
    .where("origin", "=", "order")
    .where("state", "in", blockedStates)
    .orderBy("id")
    .execute();
  return rows.map((row) => ({ name: row.value, kind: row.kind as "fqdn" | "domain" }));
}
