import type { Store } from "../store/database.ts";
import type { ScrapeSource } from "./metrics.ts";

/**
 * The store's figures for a scrape: the latest release by its primary key, and targets by state counted on the
 * targets_state index. Bounded by the registry's size, never by its history.
 */
export function storeScrapeSource(store: Store): ScrapeSource {
  return {
    async currentSerial() {
      const row = await store.db
        .selectFrom("releases")
        .select("serial")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? Number(row.serial) : undefined;
    },
    async targetsByState() {
      const rows = await store.db
        .selectFrom("targets")
        .select(["state", (eb) => eb.fn.countAll<number>().as("count")])
        .groupBy("state")
        .execute();
      return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
    },
  };
}
