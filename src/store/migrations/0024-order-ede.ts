import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";

/**
 * The Extended DNS Error an order asks its blocked answers to carry (RFC 8914: 15 Blocked, 16 Censored,
 * 17 Filtered); null: the registry's default, 16.
 */
export function orderEde(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("orders").addColumn("ede", "integer").execute();
    },
  };
}
