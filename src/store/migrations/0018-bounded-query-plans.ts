import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";

/**
 * Indexes that keep the hot and periodic queries on bounded ranges (test/query-plans.test.ts).
 *
 * SQLite plans without statistics (decree never runs ANALYZE), and then prefers an index equality to a range:
 * given `targets_state`, every query that says `state = …` walked every target in that state, the release's
 * look-up of a few names and the clock's due entries among them, a million rows at a million entries. The
 * metrics' count by state keeps an index of its own, on an expression no other query uses, so it is counted
 * from an index still and takes nothing from the others. PostgreSQL weighs its statistics and chooses well
 * with `targets_state`, which it keeps.
 */
export function boundedQueryPlans(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === "sqlite") {
        await db.schema.dropIndex("targets_state").execute();
        await sql`create index targets_state_tally on targets ((state || ''))`.execute(db);
      }
    },
  };
}
