import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * Appeals: anyone may contest an entry without an account. The follow token is kept as its SHA-256 only, so
 * that a copy of the store does not let anyone read appeals as their appellants; the contact address is
 * personal data and lives in this table alone (never in events, never in a public answer).
 */
export function appeals(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("appeals")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("target_id", bigint(dialect), (c) => c.notNull().references("targets.id"))
        .addColumn("order_id", bigint(dialect), (c) => c.notNull().references("orders.id"))
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("contact_email", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("filed_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("appeals_state").on("appeals").columns(["state", "id"]).execute();
      await db.schema.createIndex("appeals_target").on("appeals").column("target_id").execute();
    },
  };
}
