import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * Mirror sites: what decree saw of a site (its DNS, the fetch with every redirect, the page's
 * fingerprint, its certificate), kept as evidence; each candidate's score against the blocked original with
 * its signals, and the mirror target it was queued as; and each discovery run's progress and limits.
 */
export function mirrors(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("site_captures")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("order_id", bigint(dialect), (c) => c.references("orders.id"))
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("evidence", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("captured_at", "text", (c) => c.notNull())
        .addColumn("captured_by", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("site_captures_order")
        .on("site_captures")
        .columns(["order_id", "role", "name", "id"])
        .execute();
      await db.schema
        .createTable("mirror_candidates")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("order_id", bigint(dialect), (c) => c.notNull().references("orders.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("original", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("score", dialect === "postgres" ? "double precision" : "real", (c) => c.notNull())
        .addColumn("verdict", "text", (c) => c.notNull())
        .addColumn("explanation", "text", (c) => c.notNull())
        .addColumn("signals", "text", (c) => c.notNull())
        .addColumn("capture_id", bigint(dialect), (c) => c.notNull().references("site_captures.id"))
        .addColumn("original_capture_id", bigint(dialect), (c) => c.references("site_captures.id"))
        .addColumn("target_id", bigint(dialect), (c) => c.references("targets.id"))
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("mirror_candidates_order")
        .on("mirror_candidates")
        .columns(["order_id", "name", "id"])
        .execute();
      await db.schema
        .createTable("mirror_runs")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("order_id", bigint(dialect), (c) => c.references("orders.id"))
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("progress", "text", (c) => c.notNull())
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .addColumn("error", "text")
        .execute();
    },
  };
}
