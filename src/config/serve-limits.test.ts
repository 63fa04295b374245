import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DecreeError } from "../errors/decree-error.ts";
import { loadConfig } from "./load-config.ts";
import { limitEnvName, serveLimitsOf } from "./serve-limits.ts";

const invalid = (pattern: RegExp) => (error: unknown) =>
  error instanceof DecreeError && error.code === "CONFIG_INVALID" && pattern.test(error.message);

describe("the serving limits' configuration", () => {
  it("sizes the connection caps to a fifth of the descriptor limit, at most 4,096 each", () => {
    const small = serveLimitsOf({}, 1024);
    assert.equal(small.dnsTcp.maxConnections, 204);
    assert.equal(small.http.maxConnections, 204);
    assert.equal(small.dnsTcp.reservedConnections, 25);
    const large = serveLimitsOf({}, 1_048_576);
    assert.equal(large.dnsTcp.maxConnections, 4096);
    assert.ok(large.dnsRateLimit, "rate limiting is on by default");
    assert.equal(large.dnsRateLimit.responsesPerSecond, 20);
    assert.equal(large.dnsRateLimit.slip, 2);
  });

  it("names each key's environment variable after the key", () => {
    assert.equal(limitEnvName("dnsTcpIdleMs"), "DECREE_DNS_TCP_IDLE_MS");
    assert.equal(limitEnvName("dnsRateLimitIpv4PrefixLength"), "DECREE_DNS_RATE_LIMIT_IPV4_PREFIX_LENGTH");
  });

  it("takes the environment over decree.yaml, and decree.yaml over the defaults", () => {
    const dir = mkdtempSync(join(tmpdir(), "decree-limits-"));
    const file = join(dir, "decree.yaml");
    writeFileSync(
      file,
      "dnsTcpIdleMs: 2500\ndnsTcpMaxInFlight: 4\ndnsRateLimit: false\nhttpBodyLimit: 65536\n",
    );
    const config = loadConfig({ config: file }, { DECREE_DNS_TCP_IDLE_MS: "700" });
    assert.equal(config.limits.dnsTcp.idleMs, 700);
    assert.equal(config.limits.dnsTcp.maxInFlight, 4);
    assert.equal(config.limits.dnsRateLimit, false);
    assert.equal(config.limits.http.bodyLimit, 65_536);
    assert.equal(
      loadConfig({ config: file }, { DECREE_DNS_RATE_LIMIT: "on" }).limits.dnsRateLimit !== false,
      true,
    );
  });

  it("refuses a limit out of range or not a number, naming the key, its variable and the range", () => {
    assert.throws(
      () => loadConfig({ config: "/dev/null" }, { DECREE_DNS_TCP_MAX_IN_FLIGHT: "0" }),
      invalid(/dnsTcpMaxInFlight \(DECREE_DNS_TCP_MAX_IN_FLIGHT\) "0" is not a whole number from 1/),
    );
    assert.throws(
      () => loadConfig({ config: "/dev/null" }, { DECREE_HTTP_MAX_CONNECTIONS: "lots" }),
      invalid(/httpMaxConnections/),
    );
    assert.throws(
      () => loadConfig({ config: "/dev/null" }, { DECREE_DNS_RATE_LIMIT: "maybe" }),
      invalid(/dnsRateLimit .* is not a boolean/),
    );
  });

  it("refuses limits that contradict each other", () => {
    assert.throws(
      () => serveLimitsOf({ dnsTcpMaxConnections: 10, dnsTcpReservedConnections: 10 }, 1024),
      invalid(/must be below dnsTcpMaxConnections/),
    );
    assert.throws(
      () => serveLimitsOf({ httpHeadersTimeoutMs: 5000, httpRequestTimeoutMs: 1000 }, 1024),
      invalid(/must not be above httpRequestTimeoutMs/),
    );
  });
});
