import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { loadDemo } from "../../demo/load-demo.ts";
import { buildApp } from "../build-app.ts";

const now = new Date("2026-11-28T12:00:00Z");
const html = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

describe("the web UI served by decree", () => {
  const webRoot = mkdtempSync(join(tmpdir(), "decree-web-root-"));
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;

  before(async () => {
    mkdirSync(join(webRoot, "assets"));
    writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>decree</title><div id=root></div>");
    writeFileSync(join(webRoot, "assets", "index-abc123.js"), "console.log('ui')");
    opened = await storeEngines[0]!.open();
    await loadDemo(opened.store, now);
    app = await buildApp({ store: opened.store, now: () => now, webRoot });
    unbuilt = await buildApp({ store: opened.store, now: () => now, webRoot: join(webRoot, "missing") });
  });
  after(async () => {
    await app.close();
    await unbuilt.close();
    await opened.dispose();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it("gives a browser the portal at / and at /?q=NAME, and scripts the JSON index as before", async () => {
    for (const url of ["/", "/?q=allostreaming.com"]) {
      const page = await app.inject({ url, headers: html });
      assert.equal(page.statusCode, 200);
      assert.match(page.headers["content-type"] as string, /^text\/html/);
      assert.match(page.body, /<div id=root>/);
    }
    const index = await app.inject("/");
    assert.equal(index.json().name, "decree");
    const asked = await app.inject({ url: "/", headers: { accept: "application/json, text/html" } });
    assert.equal(asked.json().name, "decree");
  });

  it("gives a browser following the stop page's link the order's page, and scripts its JSON", async () => {
    const page = await app.inject({ url: "/orders/1", headers: html });
    assert.match(page.body, /<div id=root>/);
    assert.equal((await app.inject("/orders/1")).json().caseNumber, "RG 11/60013");
    assert.equal((await app.inject({ url: "/orders/1/targets", headers: html })).json().targets.length, 16);
  });

  it("serves the UI's own paths and its hashed assets, cached for a year", async () => {
    for (const url of ["/portal/orders", "/portal/log?index=3", "/login", "/desk/authority"]) {
      const page = await app.inject(url);
      assert.equal(page.statusCode, 200, url);
      assert.match(page.body, /<div id=root>/, url);
    }
    const asset = await app.inject("/assets/index-abc123.js");
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers["cache-control"] as string, /max-age=31536000, immutable/);
    const missing = await app.inject("/assets/nothing.js");
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, "NOT_FOUND");
  });

  it("says how to build the UI when it is not built, and keeps the API working", async () => {
    const page = await unbuilt.inject({ url: "/portal/orders", headers: html });
    assert.equal(page.statusCode, 404);
    assert.equal(page.json().code, "WEB_UI_NOT_BUILT");
    assert.match(page.json().detail, /npm run build:web/);
    assert.equal((await unbuilt.inject("/health")).json().status, "ok");
  });
});
