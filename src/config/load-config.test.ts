import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, it } from "node:test";
import { DecreeError } from "../errors/decree-error.ts";
import { defaultDataDir } from "./default-data-dir.ts";
import { loadConfig } from "./load-config.ts";

describe("service configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-config-"));
  const file = join(dir, "decree.yaml");
  writeFileSync(file, "data: /from-file\nhttp: 0.0.0.0:9000\ndemo: true\n");

  it("takes a flag over the environment, the environment over the file, and the file over defaults", () => {
    const config = loadConfig({ config: file, data: "/from-flag" }, { DECREE_HTTP: "127.0.0.1:9100" });
    assert.equal(config.dataDir, "/from-flag");
    assert.deepEqual(config.http, { host: "127.0.0.1", port: 9100 });
    assert.equal(config.demo, true);
    assert.deepEqual(config.dns, { host: "127.0.0.1", port: 5300 });
  });

  it("defaults to a state folder apart from the shipped data/, 127.0.0.1:8080 and no demo", () => {
    const config = loadConfig({}, {});
    assert.equal(config.dataDir, defaultDataDir({}));
    assert.notEqual(basename(config.dataDir), "data");
    assert.deepEqual(config.http, { host: "127.0.0.1", port: 8080 });
    assert.equal(config.demo, false);
    assert.equal(config.databaseUrl, undefined);
  });

  it("reads DATABASE_URL and bracketed IPv6 addresses", () => {
    const config = loadConfig({}, { DATABASE_URL: "postgresql://db/decree", DECREE_DNS: "[::1]:5353" });
    assert.equal(config.databaseUrl, "postgresql://db/decree");
    assert.deepEqual(config.dns, { host: "::1", port: 5353 });
  });

  it("refuses an address without a port, and an unknown key in the file, with CONFIG_INVALID", () => {
    const isConfigInvalid = (error: unknown) =>
      error instanceof DecreeError && error.code === "CONFIG_INVALID";
    assert.throws(() => loadConfig({ http: "localhost" }, {}), isConfigInvalid);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "listen: 1.2.3.4:80\n");
    assert.throws(() => loadConfig({ config: bad }, {}), isConfigInvalid);
  });

  it("puts the stop page on its own port by default, and takes --stop, DECREE_STOP or the file's stop", () => {
    assert.deepEqual(loadConfig({}, {}).stop, { host: "127.0.0.1", port: 8451 });
    assert.deepEqual(loadConfig({}, { DECREE_STOP: "0.0.0.0:80" }).stop, { host: "0.0.0.0", port: 80 });
    const file = join(dir, "stop.yaml");
    writeFileSync(file, "stop: '[::1]:8452'\npublicUrl: https://decree.example.fr/\n");
    const config = loadConfig({ config: file }, {});
    assert.deepEqual(config.stop, { host: "::1", port: 8452 });
    assert.equal(config.publicUrl, "https://decree.example.fr");
    assert.deepEqual(loadConfig({ config: file, stop: "127.0.0.1:0" }, {}).stop, {
      host: "127.0.0.1",
      port: 0,
    });
  });

  it("refuses a public URL that is not http(s), or carries a query or credentials", () => {
    const isConfigInvalid = (error: unknown) =>
      error instanceof DecreeError && error.code === "CONFIG_INVALID";
    for (const publicUrl of [
      "ftp://example.fr",
      "https://example.fr/?a=1",
      "https://u:p@example.fr",
      "example",
    ]) {
      assert.throws(() => loadConfig({ publicUrl }, {}), isConfigInvalid, publicUrl);
    }
    assert.equal(
      loadConfig({}, { DECREE_PUBLIC_URL: "http://example.fr/decree/" }).publicUrl,
      "http://example.fr/decree",
    );
  });

  it("trusts no proxy and sets Secure cookies on TLS requests only, unless told otherwise", () => {
    const defaults = loadConfig({}, {});
    assert.deepEqual([defaults.trustProxy, defaults.secureCookies], [false, "auto"]);
    const told = loadConfig({}, { DECREE_TRUST_PROXY: "true", DECREE_SECURE_COOKIES: "always" });
    assert.deepEqual([told.trustProxy, told.secureCookies], [true, "always"]);
    assert.throws(
      () => loadConfig({}, { DECREE_SECURE_COOKIES: "sometimes" }),
      (error: unknown) => error instanceof DecreeError && error.code === "CONFIG_INVALID",
    );
  });

  it("takes the DNS snapshot's resolver from DECREE_CHECK_RESOLVER or the file, and none by default", () => {
    assert.equal(loadConfig({}, {}).checkResolver, undefined);
    assert.deepEqual(loadConfig({}, { DECREE_CHECK_RESOLVER: "127.0.0.1:5353" }).checkResolver, {
      host: "127.0.0.1",
      port: 5353,
    });
    const dir = mkdtempSync(join(tmpdir(), "decree-config-"));
    const file = join(dir, "decree.yaml");
    writeFileSync(file, 'checkResolver: "[::1]:53"\n');
    assert.deepEqual(loadConfig({ config: file }, {}).checkResolver, { host: "::1", port: 53 });
    assert.throws(
      () => loadConfig({}, { DECREE_CHECK_RESOLVER: "127.0.0.1" }),
      (error: unknown) => error instanceof DecreeError && error.code === "CONFIG_INVALID",
    );
  });
});
