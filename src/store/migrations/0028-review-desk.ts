import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";

/**
 * The review desk's questions, asked of a queue of 100,000 proposed targets: the next page of those of one
 * order or of one kind (keyset by id), and which findings they have. The two partial indexes hold proposed
 * targets only, as targets_proposed does, so a million entries cost them nothing; findings_review answers
 * "has this target a finding of this code, of this severity" from the index alone, for the filters and the
 * counts of the filter panel.
 */
export function reviewDesk(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex("targets_proposed_order")
        .on("targets")
        .columns(["order_id", "id"])
        .where(sql.ref("state"), "=", sql.lit("proposed"))
        .execute();
      await db.schema
        .createIndex("targets_proposed_kind")
        .on("targets")
        .columns(["kind", "id"])
        .where(sql.ref("state"), "=", sql.lit("proposed"))
        .execute();
      await db.schema
        .createIndex("findings_review")
        .on("findings")
        .columns(["target_id", "severity", "code"])
        .execute();
    },
  };
}
