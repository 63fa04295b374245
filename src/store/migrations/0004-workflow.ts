import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * The workflow over HTTP: who owns an order and who confirmed it, order documents, the cancel window of
 * approvals, acknowledgments and reports by operators and search engines, deadlines and their breaches,
 * webhooks and their deliveries.
 */
export function workflow(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await orderOwnership(db, dialect);
      await documents(db, dialect);
      await scheduledApprovals(db, dialect);
      await acknowledgments(db, dialect);
      await deadlines(db, dialect);
      await webhooks(db, dialect);
      await db.schema
        .createTable("job_cursors")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("value", bigint(dialect), (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * An applicant's order belongs to its organisation and waits for an authority's confirmation before any of
 * its targets can be approved. Orders recorded before this migration were recorded by an authority or from
 * the shell, so they count as confirmed when recorded.
 */
async function orderOwnership(db: Kysely<unknown>, dialect: Dialect) {
  // The review queue reads proposed targets oldest first; among a million entries they are few.
  await db.schema
    .createIndex("targets_proposed")
    .on("targets")
    .column("id")
    .where(sql.ref("state"), "=", sql.lit("proposed"))
    .execute();
  await db.schema
    .alterTable("orders")
    .addColumn("owner_organisation_id", bigint(dialect), (c) => c.references("organisations.id"))
    .execute();
  await db.schema.alterTable("orders").addColumn("confirmed_at", "text").execute();
  await db.schema.alterTable("orders").addColumn("confirmed_by", "text").execute();
  await sql`update orders set confirmed_at = recorded_at, confirmed_by = recorded_by`.execute(db);
  await db.schema.createIndex("orders_owner").on("orders").column("owner_organisation_id").execute();
}

/**
 * An order's document, its bytes in the store rather than a file under the data folder: several API instances
 * share one PostgreSQL but not one data folder, so only the store lets every instance serve the document an
 * instance received; and a backup of the store is then the whole record. Court decisions are small (a few MB,
 * bounded by the upload limit), and written once.
 */
async function documents(db: Kysely<unknown>, dialect: Dialect) {
  await db.schema
    .createTable("documents")
    .addColumn("id", idColumnType(dialect), primaryKey())
    .addColumn("order_id", bigint(dialect), (c) => c.notNull().unique().references("orders.id"))
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("media_type", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("bytes", dialect === "postgres" ? "bytea" : "blob", (c) => c.notNull())
    .addColumn("uploaded_at", "text", (c) => c.notNull())
    .addColumn("uploaded_by", "text", (c) => c.notNull())
    .execute();
}

/**
 * Approvals waiting out the cancel window. The target stays `proposed` meanwhile, so no release can contain
 * it; the approval is applied (or was cancelled) once the window ends.
 */
async function scheduledApprovals(db: Kysely<unknown>, dialect: Dialect) {
  await db.schema
    .createTable("scheduled_approvals")
    .addColumn("id", idColumnType(dialect), primaryKey())
    .addColumn("target_id", bigint(dialect), (c) => c.notNull().references("targets.id"))
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("scheduled_at", "text", (c) => c.notNull())
    .addColumn("effective_at", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("settled_at", "text")
    .addColumn("settled_by", "text")
    .addColumn("outcome", "text")
    .execute();
  // At most one approval of a target waits at a time.
  await db.schema
    .createIndex("scheduled_approvals_pending")
    .on("scheduled_approvals")
    .column("target_id")
    .unique()
    .where(sql.ref("state"), "=", "pending")
    .execute();
  await db.schema
    .createIndex("scheduled_approvals_due")
    .on("scheduled_approvals")
    .column("effective_at")
    .where(sql.ref("state"), "=", "pending")
    .execute();
}

async function acknowledgments(db: Kysely<unknown>, dialect: Dialect) {
  await db.schema
    .createTable("acknowledgments")
    .addColumn("id", idColumnType(dialect), primaryKey())
    .addColumn("organisation_id", bigint(dialect), (c) => c.notNull().references("organisations.id"))
    .addColumn("release_id", bigint(dialect), (c) => c.notNull().references("releases.id"))
    .addColumn("serial", bigint(dialect), (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("time_to_ack_ms", bigint(dialect), (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .execute();
  // The first acknowledgment of a release is the one that counts; later ones repeat it.
  await db.schema
    .createIndex("acknowledgments_once")
    .on("acknowledgments")
    .columns(["organisation_id", "release_id"])
    .unique()
    .execute();
  await db.schema
    .createTable("target_reports")
    .addColumn("id", idColumnType(dialect), primaryKey())
    .addColumn("organisation_id", bigint(dialect), (c) => c.notNull().references("organisations.id"))
    .addColumn("target_id", bigint(dialect), (c) => c.notNull().references("targets.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("target_reports_target").on("target_reports").column("target_id").execute();
}

/**
 * A deadline is due when a release first carries entries of an order: every addressee must acknowledge that
 * release (or a later one) within the order's deadline. A breach is recorded once per order, addressee and
 * release.
 */
async function deadlines(db: Kysely<unknown>, dialect: Dialect) {
  await db.schema
    .createTable("deadlines")
    .addColumn("id", idColumnType(dialect), primaryKey())
    .addColumn("order_id", bigint(dialect), (c) => c.notNull().references("orders.id"))
    .addColumn("release_id", bigint(dialect), (c) => c.notNull().references("releases.id"))
    .addColumn("serial", bigint(dialect), (c) => c.notNull())
    .addColumn("due_at", "text", (c) => c.notNull())
    .addColumn("settled_at", "text")
    .execute();
  await db.schema
    .createIndex("deadlines_once")
    .on("deadlines")
    .columns(["order_id", "release_id"])
    .unique()
    .execute();
  await db.schema
    .createIndex("deadlines_open")
    .on("deadlines")
    .column("due_at")
    .where(sql.ref("settled_at"), "is", null)
    .execute();
  await db.schema
    .createTable("deadline_breaches")
    .addColumn("id", idColumnType(dialect), primaryKey())
    .addColumn("order_id", bigint(dialect), (c) => c.notNull().references("orders.id"))
    .addColumn("organisation_id", bigint(dialect), (c) => c.notNull().references("organisations.id"))
    .addColumn("release_id", bigint(dialect), (c) => c.notNull().references("releases.id"))
    .addColumn("serial", bigint(dialect), (c) => c.notNull())
    .addColumn("due_at", "text", (c) => c.notNull())
    .addColumn("flagged_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("deadline_breaches_once")
    .on("deadline_breaches")
    .columns(["order_id", "organisation_id", "release_id"])
    .unique()
    .execute();
}

async function webhooks(db: Kysely<unknown>, dialect: Dialect) {
  await db.schema
    .createTable("webhooks")
    .addColumn("id", idColumnType(dialect), primaryKey())
    .addColumn("organisation_id", bigint(dialect), (c) => c.notNull().references("organisations.id"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("disabled_at", "text")
    .addColumn("last_release_id", bigint(dialect), (c) => c.notNull())
    .execute();
  await db.schema.createIndex("webhooks_organisation").on("webhooks").column("organisation_id").execute();
  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", idColumnType(dialect), primaryKey())
    .addColumn("webhook_id", bigint(dialect), (c) => c.notNull().references("webhooks.id"))
    .addColumn("release_id", bigint(dialect), (c) => c.notNull().references("releases.id"))
    .addColumn("serial", bigint(dialect), (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("next_attempt_at", "text")
    .addColumn("delivered_at", "text")
    .addColumn("last_error", "text")
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_once")
    .on("webhook_deliveries")
    .columns(["webhook_id", "release_id"])
    .unique()
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .column("next_attempt_at")
    .where(sql.ref("status"), "=", "pending")
    .execute();
}
