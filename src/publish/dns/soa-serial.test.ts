import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clockSerial, nextSoaSerial, serialAdd, serialLessThan } from "./soa-serial.ts";

const at = (seconds: number) => new Date(seconds * 1000);

describe("the SOA serial of a release", () => {
  it("starts from the clock, in Unix seconds, when nothing was served before", () => {
    assert.equal(nextSoaSerial([], at(1_796_000_000)), 1_796_000_000);
    assert.equal(nextSoaSerial([undefined, undefined], at(1_796_000_000)), 1_796_000_000);
  });

  it("takes the clock when it is ahead of the previous serial, and one past the previous one otherwise", () => {
    assert.equal(
      nextSoaSerial([23], at(1_796_000_000)),
      1_796_000_000,
      "a counter-era serial jumps to the clock",
    );
    assert.equal(
      nextSoaSerial([1_796_000_000], at(1_796_000_000)),
      1_796_000_001,
      "two releases in one second",
    );
    assert.equal(
      nextSoaSerial([1_796_000_500], at(1_796_000_000)),
      1_796_000_501,
      "releases outran the clock",
    );
  });

  it("goes past the last served serial even when the store's own is far behind", () => {
    // A restored backup: the store's newest serial is old, the data folder served a later one.
    assert.equal(nextSoaSerial([1_796_000_000, 1_796_009_000], at(1_796_000_100)), 1_796_009_001);
  });

  it("wraps at 2^32 in RFC 1982 terms, and the serial after the wrap is still greater", () => {
    assert.equal(serialAdd(2 ** 32 - 1, 1), 0);
    assert.equal(nextSoaSerial([2 ** 32 - 1], at(100)), 100, "the clock past the wrap is ahead of 2^32 - 1");
    assert.ok(serialLessThan(2 ** 32 - 1, nextSoaSerial([2 ** 32 - 1], at(2 ** 32 - 1))));
    assert.equal(nextSoaSerial([2 ** 32 - 1], at(2 ** 32 - 1)), 0);
    // The clock after 2106 wraps too: Unix seconds modulo 2^32.
    assert.equal(clockSerial(at(2 ** 32 + 5)), 5);
  });

  it("never takes a clock that is 2^31 or more ahead, where RFC 1982 leaves the order undefined", () => {
    assert.equal(nextSoaSerial([5], at(5 + 2 ** 31)), 6);
    assert.equal(nextSoaSerial([5], at(5 + 2 ** 31 - 1)), 5 + 2 ** 31 - 1);
    assert.throws(() => serialAdd(1, 2 ** 31), RangeError);
  });
});
