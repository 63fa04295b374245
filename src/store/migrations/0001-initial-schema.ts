import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";
import { idColumnType, primaryKey } from "./column-types.ts";

export function initialSchema(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("orders")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("authority", "text", (c) => c.notNull())
        .addColumn("jurisdiction", "text", (c) => c.notNull())
        .addColumn("case_number", "text", (c) => c.notNull())
        .addColumn("decision_date", "text", (c) => c.notNull())
        .addColumn("applicants", "text", (c) => c.notNull())
        .addColumn("addressees", "text", (c) => c.notNull())
        .addColumn("measures", "text", (c) => c.notNull())
        .addColumn("deadline", "text", (c) => c.notNull())
        .addColumn("deadline_seconds", "integer", (c) => c.notNull())
        .addColumn("valid_from", "text", (c) => c.notNull())
        .addColumn("valid_until", "text", (c) => c.notNull())
        .addColumn("extends_to_mirrors", "integer", (c) => c.notNull())
        .addColumn("legal_basis", "text")
        .addColumn("document_url", "text")
        .addColumn("document_sha256", "text")
        .addColumn("summary", "text")
        .addColumn("recorded_at", "text", (c) => c.notNull())
        .addColumn("recorded_by", "text", (c) => c.notNull())
        .execute();
      // The same decision cannot be recorded twice; a case can have several decisions on different dates.
      await db.schema
        .createIndex("orders_decision_unique")
        .on("orders")
        .columns(["authority", "case_number", "decision_date"])
        .unique()
        .execute();

      await db.schema
        .createTable("targets")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("order_id", dialect === "postgres" ? "bigint" : "integer", (c) =>
          c.notNull().references("orders.id"),
        )
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("input", "text", (c) => c.notNull())
        .addColumn("display", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("valid_from", "text", (c) => c.notNull())
        .addColumn("valid_until", "text", (c) => c.notNull())
        .addColumn("origin", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      // A name is live at most once per order; a rejected, lifted or expired target may be proposed again.
      await db.schema
        .createIndex("targets_live_unique")
        .on("targets")
        .columns(["order_id", "kind", "value"])
        .unique()
        .where(sql.ref("state"), "not in", ["rejected", "lifted", "expired"])
        .execute();
      await db.schema.createIndex("targets_value").on("targets").columns(["value"]).execute();
      // The clock's two questions, indexed only over the rows they can concern, so that a bulk import of
      // proposed targets does not pay for them.
      await db.schema
        .createIndex("targets_due_to_start")
        .on("targets")
        .column("valid_from")
        .where(sql.ref("state"), "=", "approved")
        .execute();
      await db.schema
        .createIndex("targets_due_to_end")
        .on("targets")
        .column("valid_until")
        .where(sql.ref("state"), "in", ["approved", "active", "suspended"])
        .execute();

      await db.schema
        .createTable("events")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("subject_type", "text", (c) => c.notNull())
        .addColumn("subject_id", dialect === "postgres" ? "bigint" : "integer", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("from_state", "text")
        .addColumn("to_state", "text")
        .addColumn("reason", "text")
        .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
        .execute();
      await db.schema
        .createIndex("events_subject")
        .on("events")
        .columns(["subject_type", "subject_id"])
        .execute();
    },
  };
}
