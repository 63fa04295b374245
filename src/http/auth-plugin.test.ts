import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Fastify from "fastify";
import { type StoreUnderTest, storeEngines } from "../../test/support/stores.ts";
import { authPlugin } from "./auth-plugin.ts";

describe("the auth plugin at startup", () => {
  let opened: StoreUnderTest;
  before(async () => {
    opened = await storeEngines[0]!.open();
  });
  after(async () => {
    await opened.dispose();
  });

  async function appWith(config: Record<string, unknown> | undefined) {
    const app = Fastify();
    await app.register(authPlugin, { store: opened.store, now: () => new Date() });
    app.get("/forgotten", config ? { config } : {}, async () => "ok");
    return app;
  }

  it("refuses to start when a route declares no access", async () => {
    await assert.rejects(
      appWith(undefined).then((app) => app.ready()),
      /GET \/forgotten declares no config\.access/,
    );
  });

  it("refuses to start when a route names a permission that does not exist", async () => {
    await assert.rejects(
      appWith({ access: "orders:delete-all" }).then((app) => app.ready()),
      /unknown permission "orders:delete-all"/,
    );
  });

  it("starts when every route declares its access", async () => {
    const app = await appWith({ access: "public" });
    assert.equal((await app.inject("/forgotten")).body, "ok");
    await app.close();
  });
});
