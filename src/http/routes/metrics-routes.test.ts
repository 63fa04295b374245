import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { loadConfig } from "../../config/load-config.ts";
import { buildApp } from "../build-app.ts";

const opened: StoreUnderTest = await storeEngines[0]!.open();

describe("GET /metrics on the HTTP address", () => {
  after(() => opened.dispose());

  it("is not served without a metricsToken, and says how to turn it on", async () => {
    const app = await buildApp({ store: opened.store });
    const response = await app.inject({ method: "GET", url: "/metrics" });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, "METRICS_NOT_ENABLED");
    assert.match(response.json().detail, /metricsToken/);
    await app.close();
  });

  it("answers the scraper that sends the token, and 401 METRICS_TOKEN_INVALID to one that does not", async () => {
    const token = "a-scrape-token-long-enough";
    const app = await buildApp({ store: opened.store, metricsToken: token });
    const refused = await app.inject({ method: "GET", url: "/metrics" });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().code, "METRICS_TOKEN_INVALID");
    assert.match(String(refused.headers["www-authenticate"]), /^Bearer/);
    const served = await app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(served.statusCode, 200);
    assert.match(served.body, /^# TYPE decree_http_requests_total counter$/m);
    await app.close();
  });

  it("takes the token, the metrics address and the log level from the config, and refuses a short token", () => {
    const config = loadConfig(
      { metrics: "127.0.0.1:9153", logLevel: "debug" },
      { DECREE_METRICS_TOKEN: "0123456789abcdef0123" },
    );
    assert.deepEqual(config.metrics, { host: "127.0.0.1", port: 9153 });
    assert.equal(config.metricsToken, "0123456789abcdef0123");
    assert.equal(config.logLevel, "debug");
    assert.equal(loadConfig({}, {}).logLevel, "info");
    assert.throws(() => loadConfig({}, { DECREE_METRICS_TOKEN: "short" }), { code: "CONFIG_INVALID" });
    assert.throws(() => loadConfig({ logLevel: "loud" }, {}), { code: "CONFIG_INVALID" });
  });
});
