import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientPrefix } from "./client-prefix.ts";
import { defaultResponseRateLimit, ResponseRateLimit } from "./response-rate-limit.ts";

describe("UDP response rate limiting", () => {
  it("groups IPv4 clients by /24 and IPv6 clients by /56, an IPv4-mapped address as IPv4", () => {
    assert.equal(clientPrefix("192.0.2.77", 24, 56), "192.0.2.0/24");
    assert.equal(clientPrefix("::ffff:192.0.2.77", 24, 56), "192.0.2.0/24");
    assert.equal(clientPrefix("2001:db8:1:2ff:1::1", 24, 56), "2001:db8:1:200::/56");
    assert.equal(clientPrefix("not an address", 24, 56), "not an address");
  });

  it("answers a second's worth, then drops, sending every second dropped answer truncated", () => {
    const limit = new ResponseRateLimit({ ...defaultResponseRateLimit, responsesPerSecond: 10, slip: 2 });
    const verdicts = Array.from({ length: 30 }, () => limit.verdict("192.0.2.1", 1000));
    assert.deepEqual(verdicts.slice(0, 10), Array(10).fill("answer"));
    assert.deepEqual(verdicts.slice(10, 14), ["drop", "slip", "drop", "slip"]);
    assert.deepEqual(limit.stats(), { answered: 10, dropped: 10, slipped: 10, clients: 1 });
    // Another /24 has a bucket of its own; the same /24 refills at the rate.
    assert.equal(limit.verdict("192.0.3.1", 1000), "answer");
    assert.equal(limit.verdict("192.0.2.200", 1100), "answer");
    assert.equal(limit.verdict("192.0.2.200", 1100), "drop");
  });

  it("never slips with slip 0, and forgets the least recently seen client past maxClients", () => {
    const limit = new ResponseRateLimit({
      ...defaultResponseRateLimit,
      responsesPerSecond: 1,
      slip: 0,
      maxClients: 2,
    });
    assert.deepEqual(
      [1, 2, 3].map(() => limit.verdict("198.51.100.1", 0)),
      ["answer", "drop", "drop"],
    );
    limit.verdict("203.0.113.1", 0);
    limit.verdict("192.0.2.1", 0);
    assert.equal(limit.stats().clients, 2);
    assert.equal(limit.verdict("198.51.100.1", 0), "answer", "forgotten, so a new bucket");
  });
});
