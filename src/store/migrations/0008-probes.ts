import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * Measured compliance: the resolvers each operator registered, the probe runs (a sweep by the
 * registry, a follow-up after a release, a batch an agent signed), every measurement with what is needed to
 * reproduce it (resolver, question, raw answer, time), when each operator first enforced each name a release
 * added, and the probe agents that measure from inside operators' networks.
 */
export function probes(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("resolvers")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("operator_id", bigint(dialect), (c) => c.notNull().references("operators.id"))
        .addColumn("host", "text", (c) => c.notNull())
        .addColumn("port", "integer", (c) => c.notNull())
        .addColumn("transport", "text", (c) => c.notNull())
        .addColumn("url", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("resolvers_endpoint")
        .on("resolvers")
        .columns(["operator_id", "host", "port", "transport"])
        .unique()
        .execute();
      await db.schema
        .createTable("probe_agents")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("operator_id", bigint(dialect), (c) => c.notNull().references("operators.id"))
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("public_key", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("last_seen_at", "text")
        .execute();
      await db.schema
        .createTable("probe_runs")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("release_id", bigint(dialect))
        .addColumn("reference", "text")
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text", (c) => c.notNull())
        .addColumn("queries", "integer", (c) => c.notNull())
        .addColumn("signed_payload", "text")
        .addColumn("signature", "text")
        .execute();
      await db.schema
        .createTable("measurements")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("run_id", bigint(dialect), (c) => c.notNull().references("probe_runs.id"))
        .addColumn("operator_id", bigint(dialect), (c) => c.notNull().references("operators.id"))
        .addColumn("resolver_id", bigint(dialect), (c) => c.notNull().references("resolvers.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("qtype", "text", (c) => c.notNull())
        .addColumn("expectation", "text", (c) => c.notNull())
        .addColumn("target_id", bigint(dialect))
        .addColumn("verdict", "text", (c) => c.notNull())
        .addColumn("detail", "text")
        .addColumn("rcode", "text")
        .addColumn("answers", "text", (c) => c.notNull())
        .addColumn("raw", "text")
        .addColumn("reference_answers", "text")
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("rtt_ms", "integer")
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .execute();
      // The roll-up reads the latest measurement of each (resolver, name); reports read by operator and time.
      await db.schema
        .createIndex("measurements_latest")
        .on("measurements")
        .columns(["resolver_id", "name", "id"])
        .execute();
      await db.schema
        .createIndex("measurements_operator")
        .on("measurements")
        .columns(["operator_id", "id"])
        .execute();
      await db.schema
        .createTable("enforcements")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("operator_id", bigint(dialect), (c) => c.notNull().references("operators.id"))
        .addColumn("release_id", bigint(dialect), (c) => c.notNull().references("releases.id"))
        .addColumn("serial", bigint(dialect), (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("released_at", "text", (c) => c.notNull())
        .addColumn("enforced_at", "text")
        .addColumn("time_to_enforce_ms", bigint(dialect))
        .addColumn("last_probed_at", "text")
        .execute();
      await db.schema
        .createIndex("enforcements_once")
        .on("enforcements")
        .columns(["operator_id", "release_id", "name"])
        .unique()
        .execute();
      await db.schema
        .createIndex("enforcements_open")
        .on("enforcements")
        .columns(["enforced_at", "id"])
        .execute();
    },
  };
}
