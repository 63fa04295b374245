import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * The safeguards: what each check found about each target, kept as evidence for the reviewer and the
 * public; and the copies of the checks' data (shared-infrastructure ranges, protected names) loaded with
 * `decree data update`, newest wins, so that a newer published list reaches every instance through the store.
 */
export function checks(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("findings")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("target_id", bigint(dialect), (c) => c.notNull().references("targets.id"))
        .addColumn("check", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("code", "text", (c) => c.notNull())
        .addColumn("message", "text", (c) => c.notNull())
        .addColumn("evidence", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("findings_target").on("findings").columns(["target_id", "id"]).execute();
      await db.schema
        .createTable("checks_data")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("data_date", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("loaded_at", "text", (c) => c.notNull())
        .addColumn("loaded_by", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("checks_data_kind").on("checks_data").columns(["kind", "id"]).execute();
    },
  };
}
