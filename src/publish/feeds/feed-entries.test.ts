import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish, stopPagePolicy } from "../../../test/support/published-zone.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import { ZoneSource } from "../zone-source.ts";
import { type FeedEntry, feedEntries } from "./feed-entries.ts";
import { zoneOwnerLookup } from "./zone-owner-lookup.ts";

const record = (owner: string, rtype: ZoneRecord["rtype"], rdata: string): ZoneRecord => ({
  owner,
  rtype,
  rdata,
});

/** The records in the given order, `size` to a page, with a lookup over all of them that counts its calls. */
function zone(records: ZoneRecord[], size: number) {
  const asked: string[][] = [];
  async function* pages() {
    for (let start = 0; start < records.length; start += size) yield records.slice(start, start + size);
  }
  const lookup = async (owners: string[]) => {
    asked.push(owners);
    return records.filter((r) => owners.includes(r.owner));
  };
  return { pages: pages(), lookup, asked };
}

async function collect(pages: AsyncIterable<FeedEntry[]>): Promise<FeedEntry[]> {
  const entries: FeedEntry[] = [];
  for await (const page of pages) entries.push(...page);
  return entries;
}

const byValue = (a: FeedEntry, b: FeedEntry) => (a.value < b.value ? -1 : 1);

describe("feed entries from zone records", () => {
  it("joins a domain's name and wildcard even when the binary order puts every wildcard first", async () => {
    // "*" is 0x2A, below letters and digits: this is the order SQLite (and PostgreSQL with "C") returns.
    const records = [
      record("*.allostreaming.com", "CNAME", "."),
      record("*.fifostream.net", "CNAME", "."),
      record("allomovies.com", "CNAME", "."),
      record("allostreaming.com", "CNAME", "."),
      record("fifostream.net", "CNAME", "."),
    ];
    for (const size of [1, 2, 5]) {
      const { pages, lookup } = zone(records, size);
      assert.deepEqual(await collect(feedEntries(pages, lookup)), [
        { kind: "fqdn", value: "allomovies.com", action: "nxdomain" },
        { kind: "domain", value: "allostreaming.com", action: "nxdomain" },
        { kind: "domain", value: "fifostream.net", action: "nxdomain" },
      ]);
    }
  });

  it("joins them too when a linguistic collation puts the wildcard right beside its name", async () => {
    const records = [
      record("allostreaming.com", "CNAME", "."),
      record("*.allostreaming.com", "CNAME", "."),
      record("www.fifostream.tv", "CNAME", "."),
    ];
    const { pages, lookup, asked } = zone(records, 3);
    assert.deepEqual(await collect(feedEntries(pages, lookup)), [
      { kind: "domain", value: "allostreaming.com", action: "nxdomain" },
      { kind: "fqdn", value: "www.fifostream.tv", action: "nxdomain" },
    ]);
    assert.deepEqual(asked, [["*.www.fifostream.tv"]], "only the partner outside the page is looked up");
  });

  it("keeps a stop page's A and AAAA in one entry when a page ends between them", async () => {
    const records = [
      record("alloshowtv.com", "A", "192.0.2.80"),
      record("alloshowtv.com", "AAAA", "2001:db8::80"),
      record("allourls.com", "CNAME", "*."),
    ];
    const { pages, lookup } = zone(records, 1);
    assert.deepEqual(await collect(feedEntries(pages, lookup)), [
      {
        kind: "fqdn",
        value: "alloshowtv.com",
        action: "stop-page",
        addresses: ["192.0.2.80", "2001:db8::80"],
      },
      { kind: "fqdn", value: "allourls.com", action: "nodata" },
    ]);
  });

  it("reads a wildcard without its name as a domain, since it still blocks every name below", async () => {
    const { pages, lookup } = zone([record("*.alloseven.com", "CNAME", ".")], 10);
    assert.deepEqual(await collect(feedEntries(pages, lookup)), [
      { kind: "domain", value: "alloseven.com", action: "nxdomain" },
    ]);
  });

  it("gives a domain whose name and wildcard carry different actions the stricter one", async () => {
    const records = [record("*.dpstream.tv", "A", "192.0.2.80"), record("dpstream.tv", "CNAME", ".")];
    const { pages, lookup } = zone(records, 1);
    assert.deepEqual(await collect(feedEntries(pages, lookup)), [
      { kind: "domain", value: "dpstream.tv", action: "nxdomain" },
    ]);
  });

  it("turns host-length rpz-ip owners into addresses and shorter ones into prefixes", async () => {
    const records = [
      record("128.1.zz.db8.2001.rpz-ip", "CNAME", "."),
      record("24.0.2.0.192.rpz-ip", "CNAME", "*."),
      record("32.7.97.114.188.rpz-ip", "CNAME", "."),
      record("48.zz.21f.2800.2606.rpz-ip", "CNAME", "."),
    ];
    const { pages, lookup, asked } = zone(records, 2);
    assert.deepEqual(await collect(feedEntries(pages, lookup)), [
      { kind: "ip", value: "2001:db8::1", action: "nxdomain" },
      { kind: "cidr", value: "192.0.2.0/24", action: "nodata" },
      { kind: "ip", value: "188.114.97.7", action: "nxdomain" },
      { kind: "cidr", value: "2606:2800:21f::/48", action: "nxdomain" },
    ]);
    assert.deepEqual(asked, [], "addresses have no partner to look up");
  });
});

describeEachEngine("feed entries from the published zone", (store) => {
  it("reads back exactly the approved targets, a page of one record at a time", async () => {
    await approveTargets(store(), [
      { value: "allostreaming.com", kind: "domain" },
      "www.fifostream.tv",
      { value: "fifostream.org", kind: "domain" },
      "stream.fifostream.org",
    ]);
    await approveTargets(store(), ["93.184.215.14", "2606:2800:21f::/48"], { measures: ["ip-block"] });
    await approveTargets(store(), [{ value: "alloshowtv.com", kind: "domain" }], { dnsAction: "stop-page" });
    await publish(store(), stopPagePolicy);
    const source = new ZoneSource(store().db);
    const entries = await collect(feedEntries(source.pages(1), zoneOwnerLookup(store().db)));
    assert.deepEqual(entries.sort(byValue), [
      { kind: "cidr", value: "2606:2800:21f::/48", action: "nxdomain" },
      { kind: "ip", value: "93.184.215.14", action: "nxdomain" },
      {
        kind: "domain",
        value: "alloshowtv.com",
        action: "stop-page",
        addresses: ["192.0.2.80", "2001:db8::80"],
      },
      { kind: "domain", value: "allostreaming.com", action: "nxdomain" },
      { kind: "domain", value: "fifostream.org", action: "nxdomain" },
      { kind: "fqdn", value: "stream.fifostream.org", action: "nxdomain" },
      { kind: "fqdn", value: "www.fifostream.tv", action: "nxdomain" },
    ]);
  });
});
