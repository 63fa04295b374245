import type { Kysely, Migration } from "kysely";
import { sql } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, primaryKey } from "./column-types.ts";

/**
 * The log's commitments: an event about something not yet public (a proposed target, an order awaiting
 * confirmation, an appeal) is logged as SHA-256 of a random salt and its leaf data; the salt is kept here and
 * served, with the event, once the subject is public. Leaves already logged stay as they are.
 */
export function logCommitments(dialect: Dialect): Migration {
  const bytes = dialect === "postgres" ? sql`bytea` : sql`blob`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("log_commitments")
        .addColumn("event_id", bigint(dialect), primaryKey())
        .addColumn("salt", bytes, (c) => c.notNull())
        .addColumn("commitment", bytes, (c) => c.notNull())
        .execute();
    },
  };
}
