import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint, idColumnType, primaryKey } from "./column-types.ts";

/**
 * Accounts: organisations, their users (one role each), API tokens and browser sessions. Secrets are never
 * stored: tokens and session ids are kept as SHA-256 digests, passwords as scrypt hashes with a per-user salt.
 */
export function accounts(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("organisations")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("users")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("organisation_id", bigint(dialect), (c) => c.notNull().references("organisations.id"))
        // Stored lowercase, so that uniqueness ignores case on both engines.
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("password_hash", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("disabled_at", "text")
        .execute();
      await db.schema.createIndex("users_organisation").on("users").column("organisation_id").execute();
      await db.schema
        .createTable("api_tokens")
        .addColumn("id", idColumnType(dialect), primaryKey())
        .addColumn("user_id", bigint(dialect), (c) => c.notNull().references("users.id"))
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("label", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("revoked_at", "text")
        .addColumn("last_used_at", "text")
        .execute();
      await db.schema.createIndex("api_tokens_user").on("api_tokens").column("user_id").execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", bigint(dialect), (c) => c.notNull().references("users.id"))
        .addColumn("csrf_token_hash", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();
    },
  };
}
