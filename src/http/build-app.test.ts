import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { type StoreUnderTest, storeEngines } from "../../test/support/stores.ts";
import { loadDemo } from "../demo/load-demo.ts";
import { buildApp } from "./build-app.ts";

describe("the read-only HTTP API", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  const now = new Date("2026-11-28T12:00:00Z");

  before(async () => {
    opened = await storeEngines[0]!.open();
    await loadDemo(opened.store, now);
    app = await buildApp({ store: opened.store, now: () => now });
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  it("loads the demo only once, however often it is asked", async () => {
    const again = await loadDemo(opened.store, now);
    assert.equal(again.loaded, false);
    const res = await app.inject("/orders");
    assert.equal(res.json().orders.length, 1);
  });

  it("lists orders with their state and target counts", async () => {
    const res = await app.inject("/orders");
    assert.equal(res.statusCode, 200);
    const [order] = res.json().orders;
    assert.equal(order.caseNumber, "RG 11/60013");
    assert.equal(order.state, "in-force");
    assert.equal(order.targets.active, 16);
  });

  it("pages through an order's targets with a cursor", async () => {
    const first = (await app.inject("/orders/1/targets?limit=10")).json();
    assert.equal(first.targets.length, 10);
    const second = (await app.inject(`/orders/1/targets?limit=10&after=${first.next.after}`)).json();
    assert.equal(second.targets.length, 6);
    assert.ok(second.targets[0].id > first.targets[9].id);
  });

  it("finds a target by any spelling of its name", async () => {
    const res = (await app.inject("/targets?name=AlloStreaming.COM.")).json();
    assert.deepEqual(
      res.targets.map((t: { value: string; kind: string }) => [t.value, t.kind]),
      [["allostreaming.com", "domain"]],
    );
  });

  it("answers a bad query with problem+json and a stable code", async () => {
    const res = await app.inject("/targets?state=blocked");
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(res.json().code, "REQUEST_INVALID");
    assert.match(res.json().detail, /state/);
  });

  it("answers an unknown order and an unknown route with 404 problems, a malformed id with 400", async () => {
    assert.equal((await app.inject("/orders/99")).json().code, "ORDER_NOT_FOUND");
    // Not an id at all: refused by the number parser, not looked up.
    assert.equal((await app.inject("/orders/abc")).json().code, "NUMBER_INVALID");
    const res = await app.inject("/nothing-here");
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, "NOT_FOUND");
  });

  it("reports counts by state", async () => {
    const res = (await app.inject("/status")).json();
    assert.equal(res.entries.byState.active, 16);
    assert.equal(res.orders.byState["in-force"], 1);
  });
});
