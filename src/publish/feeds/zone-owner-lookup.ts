import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import type { OwnerLookup } from "./feed-entries.ts";

/** Owners per query: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const chunk = 1000;

/** Looks owners up in the published zone by its primary key, a chunk of owners per query. */
export function zoneOwnerLookup(db: Kysely<Database>): OwnerLookup {
  return async (owners) => {
    const records: ZoneRecord[] = [];
    for (let start = 0; start < owners.length; start += chunk) {
      const rows = await db
        .selectFrom("zone_records")
        .select(["owner", "rtype", "rdata"])
        .where("owner", "in", owners.slice(start, start + chunk))
        .orderBy("owner")
        .orderBy("rtype")
        .orderBy("rdata")
        .execute();
      for (const row of rows) records.push(row as ZoneRecord);
    }
    return records;
  };
}
