import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { AddressRanges } from "./address-ranges.ts";
import {
  asnClassesSchema,
  protectedNamesSchema,
  publicResolversSchema,
  sharedInfrastructureSchema,
} from "./check-data.ts";
import { NameList } from "./name-list.ts";

function shipped(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../data/${name}`, import.meta.url), "utf8"));
}

describe("the shipped safeguard data", () => {
  it("dates every range set and names its source, and has the ranges of the incidents", () => {
    const file = sharedInfrastructureSchema.parse(shipped("shared-infrastructure.json"));
    for (const set of file.sets) {
      assert.match(set.date, /^\d{4}-\d{2}-\d{2}$/, set.provider);
      assert.ok(set.source.length > 10, set.provider);
    }
    const ranges = new AddressRanges(
      file.sets.flatMap((set) => set.ranges.map((range) => ({ range, entry: set.provider }))),
    );
    assert.deepEqual(
      ranges.match("188.114.97.7").map((m) => [m.entry, m.range]),
      [["Cloudflare", "188.114.96.0/20"]],
    );
    assert.deepEqual(
      ranges.match("104.166.170.62").map((m) => m.entry),
      ["Zenlayer"],
    );
    assert.deepEqual(
      ranges.match("2606:4700::6810:84e5").map((m) => m.entry),
      ["Cloudflare"],
    );
    assert.deepEqual(
      ranges.match("88.190.0.1"),
      [],
      "an ordinary hosting address is not shared infrastructure",
    );
  });

  it("gives every protected name a source that the file explains", () => {
    const raw = shipped("protected-names.json") as { sources: Record<string, string> };
    const file = protectedNamesSchema.parse(raw);
    for (const entry of file.names) assert.ok(raw.sources[entry.source], `${entry.name}: ${entry.source}`);
    const names = new NameList(file.names.map((entry) => ({ name: entry.name, entry })));
    for (const name of ["drive.usercontent.google.com", "rr3---sn-a5mekn6r.googlevideo.com", "www.gov.uk"]) {
      assert.equal(names.match(name, false).length, 1, name);
    }
    assert.deepEqual(names.match("allostreaming.com", true), []);
  });

  it("classes the networks of the incidents and the large platforms, each with a source", () => {
    const file = asnClassesSchema.parse(shipped("asn-classes.json"));
    assert.match(file.date, /^\d{4}-\d{2}-\d{2}$/);
    const byAsn = new Map(file.networks.map((network) => [network.asn, network]));
    for (const network of file.networks) assert.match(network.source, /^https:\/\//, `AS${network.asn}`);
    const expected: Array<[number, string]> = [
      [13335, "cdn"],
      [20940, "cdn"],
      [54113, "cdn"],
      [21859, "cdn"],
      [15169, "cloud"],
      [16509, "cloud"],
      [8075, "cloud"],
      [16276, "hosting"],
      [24940, "hosting"],
      [19281, "public-dns"],
      [36692, "public-dns"],
    ];
    for (const [asn, kind] of expected) assert.equal(byAsn.get(asn)?.class, kind, `AS${asn}`);
  });

  it("lists the public resolvers' addresses and names with their operators' pages", () => {
    const file = publicResolversSchema.parse(shipped("public-resolvers.json"));
    const addresses = file.resolvers.flatMap((resolver) => resolver.addresses);
    const names = file.resolvers.flatMap((resolver) => resolver.names);
    for (const address of ["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4", "9.9.9.9", "149.112.112.112"]) {
      assert.ok(addresses.includes(address), address);
    }
    for (const address of ["208.67.222.222", "2606:4700:4700::1111", "2001:4860:4860::8888"]) {
      assert.ok(addresses.includes(address), address);
    }
    for (const name of ["dns.google", "one.one.one.one", "cloudflare-dns.com", "dns.quad9.net"]) {
      assert.ok(names.includes(name), name);
    }
    for (const resolver of file.resolvers) assert.match(resolver.source, /^https:\/\//, resolver.operator);
  });

  it("tells a target inside a listed prefix from one that contains it, for IPv4 and IPv6", () => {
    const ranges = new AddressRanges([
      { range: "198.51.100.0/24", entry: "a" },
      { range: "2001:db8:1::/48", entry: "b" },
    ]);
    assert.deepEqual(
      ranges.match("198.51.100.128/25").map((m) => m.relation),
      ["inside"],
    );
    assert.deepEqual(
      ranges.match("198.51.0.0/16").map((m) => m.relation),
      ["contains"],
    );
    assert.deepEqual(
      ranges.match("2001:db8::/32").map((m) => m.relation),
      ["contains"],
    );
    assert.deepEqual(ranges.match("198.51.101.1"), []);
    assert.deepEqual(ranges.match("2001:db8:2::1"), []);
  });
});
