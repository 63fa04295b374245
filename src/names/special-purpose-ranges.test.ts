import assert from "node:assert/strict";
import { test } from "node:test";
import ipaddr from "ipaddr.js";
import { findSpecialRange } from "./find-special-range.ts";
import { specialPurposeRanges } from "./special-purpose-ranges.ts";

test("every special-purpose range is a network prefix in canonical form", () => {
  for (const { prefix } of specialPurposeRanges) {
    const [address, length] = ipaddr.parseCIDR(prefix);
    const network =
      address.kind() === "ipv4"
        ? ipaddr.IPv4.networkAddressFromCIDR(prefix)
        : ipaddr.IPv6.networkAddressFromCIDR(prefix);
    assert.equal(network.toString(), address.toString(), `${prefix} has host bits set`);
    const canonical =
      address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
    assert.equal(`${canonical}/${length}`, prefix);
  }
});

test("every special-purpose range names its source", () => {
  for (const range of specialPurposeRanges) {
    assert.match(range.source, /^(RFC \d+|ICANN)/, range.prefix);
    assert.ok(range.name.length > 0 && range.purpose.length > 0, range.prefix);
  }
});

test("no special-purpose range is listed twice", () => {
  const prefixes = specialPurposeRanges.map((range) => range.prefix);
  assert.equal(new Set(prefixes).size, prefixes.length);
});

test("only the private-use ranges are marked private", () => {
  const privateRanges = specialPurposeRanges
    .filter((range) => range.use === "private")
    .map((range) => range.prefix);
  assert.deepEqual(privateRanges.sort(), [
    "10.0.0.0/8",
    "100.64.0.0/10",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "fc00::/7",
  ]);
});

test("every IPv6 /8 outside 2000::/3 is special", () => {
  for (let top = 0; top < 0x100; top++) {
    const address = ipaddr.IPv6.parse(`${(top << 8).toString(16)}::1`);
    const special = findSpecialRange(address, 128);
    const globalUnicast = top >= 0x20 && top < 0x40;
    if (!globalUnicast) assert.ok(special, `${address.toRFC5952String()} is not covered`);
  }
});

test("reports a prefix that contains a special range", () => {
  const match = findSpecialRange(ipaddr.parse("192.0.0.0"), 16);
  assert.equal(match?.relation, "contains");
  assert.equal(match?.range.prefix, "192.0.0.0/24");
});

test("reports the most specific range an address lies in", () => {
  assert.equal(findSpecialRange(ipaddr.parse("192.0.0.9"), 32)?.range.prefix, "192.0.0.9/32");
  assert.equal(findSpecialRange(ipaddr.parse("192.0.0.77"), 32)?.range.prefix, "192.0.0.0/24");
});

test("finds nothing for public addresses", () => {
  for (const address of [
    "188.114.97.7",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4007:80a::200e",
  ]) {
    assert.equal(findSpecialRange(ipaddr.parse(address), address.includes(":") ? 128 : 32), null, address);
  }
});
