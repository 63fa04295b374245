import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";

/**
 * The zone's canary record, found without reading the zone: releases replace it, feeds and probes read it, and
 * start-up looks for it, each with `rtype = 'TXT'` spelled as a literal so that both engines match this partial
 * index (which holds the one canary record of the zone, whatever the zone's size).
 */
export function canaryRecordIndex(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex("zone_records_canary")
        .on("zone_records")
        .columns(["owner"])
        .where(sql.ref("rtype"), "=", sql.lit("TXT"))
        .execute();
    },
  };
}
