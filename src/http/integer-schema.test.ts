import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../test/support/accounts.ts";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder } from "../../test/support/sample-order.ts";
import { buildApp } from "./build-app.ts";

describeEachEngine("one strict parser for ids and numbers in routes", (store) => {
  let app: FastifyInstance;
  let admin: string;
  before(async () => {
    app = await buildApp({ store: store(), now: () => duringOrder });
    admin = (await tokenFor(store(), "admin")).token;
    // Enough tokens that token 16 exists: "0x10" must not reach it.
    for (let i = 0; i < 16; i++) await tokenFor(store(), "operator");
  });
  after(() => app.close());

  it("refuses 0x10, 1e3, 01 and an empty number with 400 NUMBER_INVALID, and revokes nothing", async () => {
    const headers = { authorization: `Bearer ${admin}` };
    for (const url of ["/tokens/0x10", "/tokens/1e1", "/tokens/016", "/tokens/+16", "/tokens/16.0"]) {
      const refused = await app.inject({ method: "DELETE", url, headers });
      assert.equal(refused.statusCode, 400, `${url}: ${refused.body}`);
      assert.equal(refused.json().code, "NUMBER_INVALID", url);
    }
    const revoked = await store()
      .db.selectFrom("api_tokens")
      .select("id")
      .where("revoked_at", "is not", null)
      .execute();
    assert.deepEqual(revoked, []);
    for (const url of [
      "/orders/1e3",
      "/orders/0x10",
      "/targets?after=",
      "/targets?limit=1e3",
      "/appeals?after=-1",
    ]) {
      const refused = await app.inject({ url, headers });
      assert.equal(refused.statusCode, 400, `${url}: ${refused.body}`);
      assert.equal(refused.json().code, "NUMBER_INVALID", url);
    }
    assert.equal((await app.inject({ url: "/targets?after=0&limit=10" })).statusCode, 200);
  });
});
