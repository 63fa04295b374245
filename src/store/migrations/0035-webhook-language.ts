import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.ts";

/**
 * The language a webhook's receiver reads its deliveries' sentences in (the `summary` beside the machine
 * fields); the webhooks registered before it read English, as they always did.
 */
export function webhookLanguage(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable("webhooks")
        .addColumn("language", "text", (c) => c.notNull().defaultTo("en"))
        .execute();
    },
  };
}
