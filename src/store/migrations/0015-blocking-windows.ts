import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * Blocking windows: an order (or one of its targets) whose entries are served only during given intervals,
 * such as the live matches a sports order covers. `starts_at`/`ends_at` are the window as enforced (margins
 * included); `event_starts_at`/`event_ends_at` the event itself as its calendar gave it. `state` is moved by the
 * clock (scheduled → open → closed) so that every change of what is served is an event of the log; a window
 * taken back is `withdrawn`, never deleted.
 */
export function blockingWindows(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("blocking_windows")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("order_id", bigint(dialect), (c) => c.notNull().references("orders.id"))
        .addColumn("target_id", bigint(dialect), (c) => c.references("targets.id"))
        .addColumn("starts_at", "text", (c) => c.notNull())
        .addColumn("ends_at", "text", (c) => c.notNull())
        .addColumn("event_starts_at", "text")
        .addColumn("event_ends_at", "text")
        .addColumn("margin_before_seconds", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("margin_after_seconds", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("label", "text")
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("calendar_uid", "text")
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("withdrawn_at", "text")
        .execute();
      await db.schema
        .createIndex("blocking_windows_order")
        .on("blocking_windows")
        .column("order_id")
        .execute();
      await db.schema
        .createIndex("blocking_windows_target")
        .on("blocking_windows")
        .column("target_id")
        .where(sql.ref("target_id"), "is not", null)
        .execute();
      // The clock looks for the windows due to open and those due to close at every tick: a few rows each.
      await db.schema
        .createIndex("blocking_windows_due_to_open")
        .on("blocking_windows")
        .column("starts_at")
        .where(sql.ref("state"), "=", sql.lit("scheduled"))
        .execute();
      await db.schema
        .createIndex("blocking_windows_due_to_close")
        .on("blocking_windows")
        .column("ends_at")
        .where(sql.ref("state"), "=", sql.lit("open"))
        .execute();
    },
  };
}
