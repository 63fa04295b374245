import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sampleOrder } from "../../test/support/sample-order.ts";
import { storeEngines } from "../../test/support/stores.ts";
import { recordOrder } from "../intake/record-order.ts";
import { storeScrapeSource } from "./store-scrape-source.ts";

for (const engine of storeEngines) {
  describe(`the store's figures for a scrape (${engine.name})`, () => {
    it("counts targets by state, and reuses the count between close scrapes", async () => {
      const opened = await engine.open();
      try {
        const reused = storeScrapeSource(opened.store, 60_000);
        const fresh = storeScrapeSource(opened.store, 0);
        assert.deepEqual(await reused.targetsByState(), {});
        assert.equal(await reused.currentSerial(), undefined);
        const order = sampleOrder({ targets: [{ value: "allostreaming.com", kind: "domain" }] });
        await recordOrder(opened.store, order, { actor: "test", now: new Date("2026-06-01T12:00:00Z") });
        assert.deepEqual(await fresh.targetsByState(), { proposed: 1 });
        assert.deepEqual(await reused.targetsByState(), {}, "the count of a minute ago");
      } finally {
        await opened.dispose();
      }
    });

    it("says how many releases a secondary holding a serial is behind, by seeks rather than a count", async () => {
      const opened = await engine.open();
      try {
        const source = storeScrapeSource(opened.store, 0);
        assert.equal(await source.releasesAfter(7), 0, "no release yet");
        const at = "2026-06-01T12:00:00.000Z";
        await opened.store.db
          .insertInto("releases")
          .values(
            [100, 105, 200].map((soa, i) => ({
              id: i + 1,
              serial: i + 1,
              soa_serial: soa,
              created_at: at,
              last_event_id: 0,
              record_count: 0,
              added: 0,
              removed: 0,
            })),
          )
          .execute();
        const behind = await Promise.all(
          [50, 100, 104, 105, 150, 200, 300].map((s) => source.releasesAfter(s)),
        );
        assert.deepEqual(behind, [3, 2, 2, 1, 1, 0, 0]);
      } finally {
        await opened.dispose();
      }
    });
  });
}
