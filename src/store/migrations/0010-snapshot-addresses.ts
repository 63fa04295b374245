import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint } from "./column-types.ts";

/**
 * Which names resolved to which addresses at submission, across every order ("an address shared by
 * many names"). The DNS snapshot findings hold the same facts as evidence; this index answers the one question
 * they cannot answer quickly: who else is on this address?
 */
export function snapshotAddresses(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("snapshot_addresses")
        .addColumn("address", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("site", "text", (c) => c.notNull())
        .addColumn("order_id", bigint(dialect), (c) => c.notNull().references("orders.id"))
        .addColumn("target_id", bigint(dialect), (c) => c.notNull().references("targets.id"))
        .addColumn("taken_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("snapshot_addresses_address")
        .on("snapshot_addresses")
        .columns(["address", "order_id"])
        .execute();
    },
  };
}
