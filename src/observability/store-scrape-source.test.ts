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
  });
}
