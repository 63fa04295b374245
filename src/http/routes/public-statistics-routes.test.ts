import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { loadDemo } from "../../demo/load-demo.ts";
import { buildApp } from "../build-app.ts";

const now = new Date("2026-11-28T12:00:00Z");

describe("the public portal's statistics", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;

  before(async () => {
    opened = await storeEngines[0]!.open();
    app = await buildApp({ store: opened.store, now: () => now });
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  it("counts nothing on an empty registry", async () => {
    assert.deepEqual((await app.inject("/public/statistics")).json(), {
      entriesByDay: [],
      entriesByOrder: [],
      appealsByState: {},
    });
  });

  it("counts entries by day and by order, and appeals by outcome, for anyone", async () => {
    await loadDemo(opened.store, now);
    const filed = await app.inject({
      method: "POST",
      url: "/appeals",
      payload: { target: "alloshare.com", reason: "the domain changed hands", contact: "owner@example.org" },
    });
    assert.equal(filed.statusCode, 201, filed.body);
    const statistics = (await app.inject("/public/statistics")).json();
    assert.deepEqual(statistics.entriesByDay, [{ day: "2026-11-28", count: 16 }]);
    assert.deepEqual(statistics.entriesByOrder, [
      {
        orderId: 1,
        caseNumber: "RG 11/60013",
        authority: "Tribunal de grande instance de Paris",
        measures: ["dns-block", "delist"],
        byState: { active: 16 },
      },
    ]);
    assert.deepEqual(statistics.appealsByState, { open: 1 });
  });
});
