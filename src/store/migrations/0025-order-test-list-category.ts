import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";

/**
 * The Citizen Lab category code an order's names carry in the open test lists (e.g. FILE, MMED); null: the
 * registry's default.
 */
export function orderTestListCategory(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("orders").addColumn("test_list_category", "text").execute();
    },
  };
}
