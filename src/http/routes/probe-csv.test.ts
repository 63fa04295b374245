import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { buildApp } from "../build-app.ts";

describeEachEngine("the measurements as CSV", (store) => {
  let app: FastifyInstance;
  before(async () => {
    app = await buildApp({ store: store() });
  });
  after(() => app.close());

  it("answers an unknown operator with a 404 problem before any CSV, not a 200 cut short", async () => {
    const refused = await app.inject({ url: "/compliance/probes.csv?operator=UNKNOWN" });
    assert.equal(refused.statusCode, 404, refused.body);
    assert.match(String(refused.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(refused.json().code, "OPERATOR_NOT_FOUND");
    const all = await app.inject({ url: "/compliance/probes.csv" });
    assert.equal(all.statusCode, 200);
    assert.match(all.body, /^id,/);
  });
});
