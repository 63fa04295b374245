import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, primaryKey } from "./column-types.ts";

/**
 * The public tamper-evident log: which event each leaf index holds, the tree's hashes as C2SP
 * tlog-tiles (256 hashes a tile, so a proof at ten million leaves reads a handful of rows), the signed
 * checkpoints, and the witnesses' cosignatures. Leaf data is not stored: it is rebuilt from the event, so a
 * rewritten event no longer hashes to the leaf the tiles hold, and anyone checking sees it.
 */
export function log(dialect: Dialect): Migration {
  const bytes = dialect === "postgres" ? sql`bytea` : sql`blob`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("log_leaves")
        .addColumn("idx", bigint(dialect), primaryKey())
        .addColumn("event_id", bigint(dialect), (c) => c.notNull().unique())
        .addColumn("hash_key", bigint(dialect), (c) => c.notNull())
        .execute();
      // Proof by leaf hash (as RFC 6962's get-proof-by-hash) finds the index here, block by block of 4,096
      // leaves so that a sequenced leaf costs an insert among few keys (registry/log/leaf-hash-key.ts).
      await sql`create index log_leaves_hash on log_leaves ((idx / 4096), hash_key)`.execute(db);
      await db.schema
        .createTable("log_tiles")
        .addColumn("level", "integer", (c) => c.notNull())
        .addColumn("idx", bigint(dialect), (c) => c.notNull())
        .addColumn("width", "integer", (c) => c.notNull())
        .addColumn("hashes", bytes, (c) => c.notNull())
        .addColumn("inner", bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint("log_tiles_pk", ["level", "idx"])
        .execute();
      await db.schema
        .createTable("log_state")
        .addColumn("id", "integer", primaryKey())
        .addColumn("size", bigint(dialect), (c) => c.notNull())
        .addColumn("last_event_id", bigint(dialect), (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("log_checkpoints")
        .addColumn("size", bigint(dialect), primaryKey())
        .addColumn("root_hash", "text", (c) => c.notNull())
        .addColumn("note", "text", (c) => c.notNull())
        .addColumn("release_id", "integer")
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("log_checkpoints_release")
        .on("log_checkpoints")
        .column("release_id")
        .execute();
      await db.schema
        .createTable("log_cosignatures")
        .addColumn("size", bigint(dialect), (c) => c.notNull())
        .addColumn("witness", "text", (c) => c.notNull())
        .addColumn("line", "text", (c) => c.notNull())
        .addColumn("received_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("log_cosignatures_pk", ["size", "witness"])
        .execute();
    },
  };
}
