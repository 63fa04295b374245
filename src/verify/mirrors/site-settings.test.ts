import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../config/load-config.ts";
import { siteSettingsOf } from "./site-settings.ts";

describe("the mirror settings of the configuration", () => {
  it("collect evidence through mirrorResolver, else the checks' resolver, and never the system's", () => {
    const bare = loadConfig({}, {});
    assert.equal(siteSettingsOf(bare), undefined);
    const checks = loadConfig({}, { DECREE_CHECK_RESOLVER: "127.0.0.1:5353" });
    assert.deepEqual(siteSettingsOf(checks)?.resolver, { host: "127.0.0.1", port: 5353 });
    const own = loadConfig(
      {},
      { DECREE_CHECK_RESOLVER: "127.0.0.1:5353", DECREE_MIRROR_RESOLVER: "[::1]:53" },
    );
    assert.deepEqual(siteSettingsOf(own)?.resolver, { host: "::1", port: 53 });
  });

  it("refuse private addresses unless mirrorAllowPrivate, and bound every request", () => {
    const env = { DECREE_MIRROR_RESOLVER: "127.0.0.1:53" };
    const strict = siteSettingsOf(loadConfig({}, env))!;
    assert.equal(strict.allowPrivate, false);
    assert.ok(strict.timeoutMs > 0 && strict.maxBytes > 0 && strict.maxRedirects > 0);
    const open = siteSettingsOf(loadConfig({}, { ...env, DECREE_MIRROR_ALLOW_PRIVATE: "true" }))!;
    assert.equal(open.allowPrivate, true);
  });

  it("run no scheduled discovery by default, and refuse an interval that is not a number of milliseconds", () => {
    assert.equal(loadConfig({}, {}).mirrorIntervalMs, 0);
    assert.equal(loadConfig({}, { DECREE_MIRROR_INTERVAL_MS: "86400000" }).mirrorIntervalMs, 86_400_000);
    assert.throws(() => loadConfig({}, { DECREE_MIRROR_INTERVAL_MS: "daily" }), { code: "CONFIG_INVALID" });
  });
});
