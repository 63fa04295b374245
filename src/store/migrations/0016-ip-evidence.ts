import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * What an address serves, from outside the registry: passive-DNS observations the authority loads offline
 * (which names were seen on which address), kept as one row per address and registrable domain so that "how
 * many sites live here?" is one index range, for an address or a prefix. Addresses are stored as fixed-width
 * hex keys (a family digit, then 8 or 32 hex digits) so that a prefix is a range of keys.
 * And the statements of exclusive use an authority records for an address before approving it.
 */
export function ipEvidence(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("passive_dns_loads")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("file_name", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("format", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("observations", bigint(dialect), (c) => c.notNull())
        .addColumn("pairs", bigint(dialect), (c) => c.notNull())
        .addColumn("skipped", bigint(dialect), (c) => c.notNull())
        .addColumn("loaded_at", "text", (c) => c.notNull())
        .addColumn("loaded_by", "text", (c) => c.notNull())
        .execute();
      const table = db.schema
        .createTable("passive_dns")
        .addColumn("address_key", "text", (c) => c.notNull())
        .addColumn("site", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("load_id", bigint(dialect), (c) => c.notNull().references("passive_dns_loads.id"))
        .addPrimaryKeyConstraint("passive_dns_pk", ["address_key", "site"]);
      // Without a rowid SQLite keeps the rows in the primary key's b-tree: one copy of tens of millions of
      // keys instead of a table and an index.
      await (dialect === "sqlite" ? table.modifyEnd(sql`without rowid`) : table).execute();
      await db.schema
        .createTable("exclusive_use_statements")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("address", "text", (c) => c.notNull())
        .addColumn("order_id", bigint(dialect), (c) => c.notNull().references("orders.id"))
        .addColumn("statement", "text", (c) => c.notNull())
        .addColumn("document_sha256", "text", (c) => c.notNull())
        .addColumn("recorded_at", "text", (c) => c.notNull())
        .addColumn("recorded_by", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("exclusive_use_statements_address")
        .on("exclusive_use_statements")
        .columns(["address", "order_id"])
        .execute();
    },
  };
}
