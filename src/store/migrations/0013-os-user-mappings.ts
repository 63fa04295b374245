import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint } from "./column-types.ts";

/**
 * Which operating-system user may act from the shell as which account without a password or token: the
 * store's creator gets one by itself (`origin` "store-creator"), an admin configures the others ("admin").
 * One account per OS user, so that one person at one shell is one account in the log.
 */
export function osUserMappings(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("os_user_mappings")
        .addColumn("os_user", "text", (c) => c.primaryKey())
        .addColumn("user_id", bigint(dialect), (c) => c.notNull().references("users.id"))
        .addColumn("origin", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .execute();
    },
  };
}
