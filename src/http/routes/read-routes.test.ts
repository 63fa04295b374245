import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { tokenFor } from "../../../test/support/accounts.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { loadDemo } from "../../demo/load-demo.ts";
import { buildApp } from "../build-app.ts";

const now = new Date("2026-11-28T12:00:00Z");

/** What the public may see of targets: entries (what is blocked), not proposals nor rejections. */
describe("the public view of targets", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;

  before(async () => {
    opened = await storeEngines[0]!.open();
    await loadDemo(opened.store, now);
    const demo = await opened.store.db.selectFrom("targets").selectAll().executeTakeFirstOrThrow();
    const { id: _id, ...row } = demo;
    for (const [value, state] of [
      ["proposed-not-yet-decided.example", "proposed"],
      ["rejected-innocent.example", "rejected"],
    ] as const) {
      await opened.store.db
        .insertInto("targets")
        .values({ ...row, value, input: value, display: value, state })
        .execute();
    }
    app = await buildApp({ store: opened.store, now: () => now });
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  const values = (body: { targets: Array<{ value: string }> }) => body.targets.map((t) => t.value);

  it("lists entries only to the public, on /targets and on an order's targets", async () => {
    for (const url of ["/targets?limit=100", "/orders/1/targets?limit=100"]) {
      const listed = values((await app.inject(url)).json());
      assert.equal(listed.length, 16, url);
      assert.ok(!listed.includes("proposed-not-yet-decided.example"));
      assert.ok(!listed.includes("rejected-innocent.example"));
    }
    const byName = await app.inject("/targets?name=rejected-innocent.example");
    assert.deepEqual(values(byName.json()), []);
  });

  it("answers a public request for proposed targets with 401, an operator's with 403", async () => {
    const anonymous = await app.inject("/targets?state=proposed");
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().code, "AUTH_REQUIRED");
    const { token } = await tokenFor(opened.store, "operator");
    const operator = await app.inject({
      url: "/targets?state=rejected",
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(operator.statusCode, 403);
    assert.equal(operator.json().code, "FORBIDDEN");
    const active = await app.inject({ url: "/targets?state=active&limit=1" });
    assert.equal(active.statusCode, 200);
  });

  it("shows every state to the roles with registry:read-private", async () => {
    const { token } = await tokenFor(opened.store, "auditor");
    const headers = { authorization: `Bearer ${token}` };
    const all = values((await app.inject({ url: "/targets?limit=100", headers })).json());
    assert.equal(all.length, 18);
    const proposed = await app.inject({ url: "/orders/1/targets?state=proposed", headers });
    assert.deepEqual(values(proposed.json()), ["proposed-not-yet-decided.example"]);
  });

  it("shows the submitting organisation every state of its own order's targets, and another applicant entries only", async () => {
    const owner = await tokenFor(opened.store, "applicant", "APC");
    const other = await tokenFor(opened.store, "applicant", "Another rights holder");
    // The owner never changes in the model (the column's type refuses updates); the test plays a submitted order.
    await sql`update orders set owner_organisation_id = ${owner.principal.organisationId} where id = 1`.execute(
      opened.store.db,
    );
    try {
      const asOwner = await app.inject({
        url: "/orders/1/targets?limit=100",
        headers: { authorization: `Bearer ${owner.token}` },
      });
      assert.equal(asOwner.json().targets.length, 18);
      const rejected = await app.inject({
        url: "/orders/1/targets?state=rejected",
        headers: { authorization: `Bearer ${owner.token}` },
      });
      assert.deepEqual(values(rejected.json()), ["rejected-innocent.example"]);
      const asOther = await app.inject({
        url: "/orders/1/targets?limit=100",
        headers: { authorization: `Bearer ${other.token}` },
      });
      assert.equal(asOther.json().targets.length, 16);
    } finally {
      await sql`update orders set owner_organisation_id = null where id = 1`.execute(opened.store.db);
    }
  });

  it("lists an applicant only its own organisation's orders, and everyone else every order", async () => {
    const owner = await tokenFor(opened.store, "applicant", "APC");
    const other = await tokenFor(opened.store, "applicant", "Another rights holder");
    const authority = await tokenFor(opened.store, "authority");
    const ids = async (token?: string) =>
      (await app.inject({ url: "/orders", headers: token ? { authorization: `Bearer ${token}` } : {} }))
        .json()
        .orders.map((order: { id: number }) => order.id);
    await sql`update orders set owner_organisation_id = ${owner.principal.organisationId} where id = 1`.execute(
      opened.store.db,
    );
    try {
      assert.deepEqual(await ids(owner.token), [1]);
      assert.deepEqual(await ids(other.token), [], "another organisation's order is not one it can act on");
      assert.deepEqual(await ids(authority.token), [1]);
      assert.deepEqual(await ids(), [1], "the public still sees the confirmed order");
    } finally {
      await sql`update orders set owner_organisation_id = null where id = 1`.execute(opened.store.db);
    }
    assert.deepEqual(await ids(owner.token), [], "an order no applicant submitted is no applicant's");
  });

  it("says at GET /health whether the server runs the demo", async () => {
    assert.equal((await app.inject("/health")).json().demo, false);
    const demo = await buildApp({ store: opened.store, now: () => now, demo: true });
    try {
      assert.equal((await demo.inject("/health")).json().demo, true);
    } finally {
      await demo.close();
    }
  });

  it("lists every route with its access at GET /, from the routes themselves", async () => {
    const { routes, openapi } = (await app.inject("/")).json();
    assert.equal(openapi, "/openapi.json");
    assert.deepEqual(
      routes.find((route: { path: string }) => route.path === "/tokens/:id"),
      { method: "DELETE", path: "/tokens/:id", access: "tokens:manage-own" },
    );
    assert.ok(routes.some((route: { path: string }) => route.path === "/targets"));
  });
});
