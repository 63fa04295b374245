import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { type StoreUnderTest, storeEngines } from "../../test/support/stores.ts";
import { buildApp } from "./build-app.ts";

const problemJson = /^application\/problem\+json/;

describe("refusals the framework makes, as problem+json with a stable code", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;

  before(async () => {
    opened = await storeEngines[0]!.open();
    app = await buildApp({ store: opened.store });
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  it("answers a body past the limit with 413 REQUEST_TOO_LARGE", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/auth/login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: "x".repeat(2 * 1024 * 1024), password: "p" }),
    });
    assert.equal(res.statusCode, 413, res.body);
    assert.match(String(res.headers["content-type"]), problemJson);
    assert.equal(res.json().code, "REQUEST_TOO_LARGE");
  });

  it("answers a body of a type the route does not take with 415 REQUEST_MEDIA_TYPE", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/auth/login",
      headers: { "content-type": "application/xml" },
      payload: "<login/>",
    });
    assert.equal(res.statusCode, 415, res.body);
    assert.equal(res.json().code, "REQUEST_MEDIA_TYPE");
  });

  it("answers a path parameter past the router's limit with 414 REQUEST_URI_TOO_LONG", async () => {
    const res = await app.inject({ method: "GET", url: `/orders/${"9".repeat(400)}` });
    assert.equal(res.statusCode, 414, res.body);
    assert.equal(res.json().code, "REQUEST_URI_TOO_LONG");
  });

  it("answers the log's checkpoint before any release with 404 LOG_CHECKPOINT_MISSING", async () => {
    const res = await app.inject({ method: "GET", url: "/log/checkpoint" });
    assert.equal(res.statusCode, 404, res.body);
    assert.equal(res.json().code, "LOG_CHECKPOINT_MISSING");
  });
});

describe("a failure on the registry's side", () => {
  it("is a 500 INTERNAL problem that tells the client nothing of its cause", async () => {
    const opened = await storeEngines[0]!.open();
    const app = await buildApp({ store: opened.store });
    await opened.store.close();
    try {
      const res = await app.inject({ method: "GET", url: "/orders" });
      assert.equal(res.statusCode, 500, res.body);
      assert.match(String(res.headers["content-type"]), problemJson);
      assert.equal(res.json().code, "INTERNAL");
      assert.doesNotMatch(res.body, /sqlite|database|connection/i);
    } finally {
      await app.close().catch(() => {});
      await opened.dispose().catch(() => {});
    }
  });
});
