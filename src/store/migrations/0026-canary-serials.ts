import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * Canary serials and time to lift: each release's digest (chained over every release's journal, so that the
 * canary's text names one state of the zone), what each resolver answered for the canary name, when each
 * resolver was first seen to have applied each release, acknowledgments a resolver contradicts, and when each
 * operator was first seen resolving a name again after the release that took it out of the zone.
 */
export function canarySerials(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("releases").addColumn("digest", "text").execute();
      await db.schema
        .createTable("canary_observations")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("operator_id", bigint(dialect), (c) => c.notNull().references("operators.id"))
        .addColumn("resolver_id", bigint(dialect), (c) => c.notNull().references("resolvers.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("rcode", "text")
        .addColumn("text", "text")
        .addColumn("serial", bigint(dialect))
        .addColumn("digest", "text")
        .addColumn("failure", "text")
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .execute();
      // The latest observation of each resolver, and a resolver's history in order.
      await db.schema
        .createIndex("canary_observations_resolver")
        .on("canary_observations")
        .columns(["resolver_id", "id"])
        .execute();
      await db.schema
        .createTable("canary_applications")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("operator_id", bigint(dialect), (c) => c.notNull().references("operators.id"))
        .addColumn("resolver_id", bigint(dialect), (c) => c.notNull().references("resolvers.id"))
        .addColumn("release_id", bigint(dialect), (c) => c.notNull().references("releases.id"))
        .addColumn("released_at", "text", (c) => c.notNull())
        .addColumn("applied_at", "text", (c) => c.notNull())
        .addColumn("time_to_apply_ms", bigint(dialect), (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("canary_applications_once")
        .on("canary_applications")
        .columns(["resolver_id", "release_id"])
        .unique()
        .execute();
      await db.schema
        .createIndex("canary_applications_operator")
        .on("canary_applications")
        .columns(["operator_id", "time_to_apply_ms"])
        .execute();
      await db.schema
        .createTable("ack_contradictions")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("acknowledgment_id", bigint(dialect), (c) => c.notNull().references("acknowledgments.id"))
        .addColumn("resolver_id", bigint(dialect), (c) => c.notNull().references("resolvers.id"))
        .addColumn("claimed_serial", bigint(dialect), (c) => c.notNull())
        .addColumn("observed_serial", bigint(dialect))
        .addColumn("observed_at", "text", (c) => c.notNull())
        .addColumn("code", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("ack_contradictions_once")
        .on("ack_contradictions")
        .columns(["acknowledgment_id", "resolver_id"])
        .unique()
        .execute();
      await db.schema
        .createTable("lifts")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("operator_id", bigint(dialect), (c) => c.notNull().references("operators.id"))
        .addColumn("release_id", bigint(dialect), (c) => c.notNull().references("releases.id"))
        .addColumn("serial", bigint(dialect), (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("cause", "text", (c) => c.notNull())
        .addColumn("released_at", "text", (c) => c.notNull())
        .addColumn("lifted_at", "text")
        .addColumn("time_to_lift_ms", bigint(dialect))
        .addColumn("last_probed_at", "text")
        .execute();
      await db.schema
        .createIndex("lifts_once")
        .on("lifts")
        .columns(["operator_id", "release_id", "name"])
        .unique()
        .execute();
      await db.schema.createIndex("lifts_open").on("lifts").columns(["lifted_at", "id"]).execute();
    },
  };
}
