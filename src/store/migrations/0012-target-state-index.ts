import type { Kysely, Migration } from "kysely";

/**
 * Targets by state, for GET /metrics at every scrape: counted from this index alone (SQLite's covering index,
 * PostgreSQL's index-only scan) rather than by reading the targets' rows.
 */
export function targetStateIndex(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex("targets_state").on("targets").column("state").execute();
    },
  };
}
