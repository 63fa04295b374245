import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * Staged rollout: operators marked `canary` get a staged release first; `releases.staged` is 1 while a release
 * is served to canaries only (everyone else keeps the newest release with 0). `release_rollouts` is one rollout
 * from staging to its end (promoted, withdrawn), naming its newest staged release; `rollout_targets` the entries
 * it withholds from everyone but the canaries. `rollout_settings` is the authority's override of the configured
 * default; a webhook delivery has a `kind` (a release, or a halted rollout). `operators.last_transfer_serial` is the newest SOA serial the primary saw the operator transfer.
 */
export function stagedRollout(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable("operators")
        .addColumn("canary", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable("operators").addColumn("last_transfer_serial", bigint(dialect)).execute();
      await db.schema.alterTable("operators").addColumn("last_transfer_at", "text").execute();
      await db.schema
        .alterTable("releases")
        .addColumn("staged", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      // Everyone but the canaries reads the newest release with staged = 0: a few rows from the end at most.
      await db.schema
        .createIndex("releases_released")
        .on("releases")
        .column("id")
        .where(sql.ref("staged"), "=", sql.lit(0))
        .execute();
      await db.schema
        .createTable("release_rollouts")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("release_id", bigint(dialect), (c) => c.notNull())
        .addColumn("base_release_id", bigint(dialect), (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("halted_at", "text")
        .addColumn("halt", "text")
        .addColumn("decided_at", "text")
        .addColumn("decided_by", "text")
        .addColumn("reason", "text")
        .execute();
      await db.schema
        .createIndex("release_rollouts_open")
        .on("release_rollouts")
        .column("state")
        .where(sql.ref("state"), "in", [sql.lit("staged"), sql.lit("halted")])
        .execute();
      await db.schema
        .createTable("rollout_targets")
        .addColumn("rollout_id", bigint(dialect), (c) => c.notNull())
        .addColumn("target_id", bigint(dialect), (c) => c.notNull())
        .addPrimaryKeyConstraint("rollout_targets_pk", ["rollout_id", "target_id"])
        .execute();
      await db.schema
        .createTable("rollout_settings")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("staged", "integer")
        .addColumn("set_at", "text", (c) => c.notNull())
        .addColumn("set_by", "text", (c) => c.notNull())
        .execute();
      // A halted rollout is announced to webhooks too, beside the release itself: one delivery per kind.
      await db.schema
        .alterTable("webhook_deliveries")
        .addColumn("kind", "text", (c) => c.notNull().defaultTo("release"))
        .execute();
      await db.schema.alterTable("webhook_deliveries").addColumn("details", "text").execute();
      await db.schema.dropIndex("webhook_deliveries_once").execute();
      await db.schema
        .createIndex("webhook_deliveries_once")
        .on("webhook_deliveries")
        .columns(["webhook_id", "release_id", "kind"])
        .unique()
        .execute();
    },
  };
}
