import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/** Publication: numbered releases with their diffs (the IXFR journal), the zone as of the latest, operators. */
export function publication(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("orders").addColumn("dns_action", "text").execute();
      await db.schema
        .createTable("releases")
        .addColumn("id", bigint(dialect), (c) => c.primaryKey())
        .addColumn("serial", bigint(dialect), (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("last_event_id", bigint(dialect), (c) => c.notNull())
        .addColumn("record_count", "integer", (c) => c.notNull())
        .addColumn("added", "integer", (c) => c.notNull())
        .addColumn("removed", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("releases_serial").on("releases").column("serial").execute();
      await db.schema
        .createTable("release_changes")
        .addColumn("release_id", bigint(dialect), (c) => c.notNull().references("releases.id"))
        .addColumn("op", "text", (c) => c.notNull())
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("rtype", "text", (c) => c.notNull())
        .addColumn("rdata", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("release_changes_release")
        .on("release_changes")
        .column("release_id")
        .execute();
      await db.schema
        .createTable("zone_records")
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("rtype", "text", (c) => c.notNull())
        .addColumn("rdata", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("zone_records_pk", ["owner", "rtype", "rdata"])
        .execute();
      await db.schema
        .createTable("publish_cursor")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("last_event_id", bigint(dialect), (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("operators")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("tsig_key_name", "text", (c) => c.unique())
        .addColumn("tsig_secret", "text")
        .addColumn("notify", "text", (c) => c.notNull())
        .addColumn("allow", "text", (c) => c.notNull())
        .addColumn("action", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("signing_keys")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("algorithm", "text", (c) => c.notNull())
        .addColumn("public_key", "text", (c) => c.notNull())
        .addColumn("private_key", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
    },
  };
}
