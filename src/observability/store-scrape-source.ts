import { sql } from "kysely";
import type { Store } from "../store/database.ts";
import type { ScrapeSource } from "./metrics.ts";

/**
 * How long targets by state are reused between scrapes. Counting a million targets on the targets_state index
 * takes some 0.2 s, which SQLite spends on the event loop: at most that often, not at every scrape.
 */
const countsReusedMs = 30_000;

/**
 * The store's figures for a scrape: the latest release by its primary key, how far behind each secondary is by
 * two seeks, and targets by state counted on the targets_state index. Bounded by the registry's size, never by
 * its history.
 */
export function storeScrapeSource(store: Store, reuseMs = countsReusedMs): ScrapeSource {
  let counts: { at: number; byState: Promise<Record<string, number>> } | undefined;
  // On SQLite the count reads an index of its own, on `state || ''` (migration 0018), which no other query can
  // take for `state = …`; PostgreSQL counts on targets_state.
  const state = store.dialect === "sqlite" ? sql<string>`state || ''` : sql<string>`state`;
  const count = async () => {
    const rows = await store.db
      .selectFrom("targets")
      .select([state.as("state"), (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy(state)
      .execute();
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
  };
  return {
    async currentSerial() {
      const row = await store.db
        .selectFrom("releases")
        .select("soa_serial")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? Number(row.soa_serial) : undefined;
    },
    // Release ids are dense (each is the previous + 1) and SOA serials rise with them, so the releases past a
    // serial are the ids after the newest release at or below it: two index seeks, where counting them walked
    // as many index entries as the secondary is behind, every release since the start for one that never
    // transferred.
    async releasesAfter(serial) {
      const newest = await store.db
        .selectFrom("releases")
        .select("id")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      if (!newest) return 0;
      const held = await store.db
        .selectFrom("releases")
        .select("id")
        .where("soa_serial", "<=", serial)
        .orderBy("soa_serial", "desc")
        .limit(1)
        .executeTakeFirst();
      return Number(newest.id) - Number(held?.id ?? 0);
    },
    targetsByState() {
      if (!counts || Date.now() - counts.at >= reuseMs) {
        const byState = count();
        counts = { at: Date.now(), byState };
        // A failed count is not kept: the next scrape tries again.
        byState.catch(() => {
          if (counts?.byState === byState) counts = undefined;
        });
      }
      return counts.byState;
    },
  };
}
