import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FeedDiff } from "../feeds/feed-diff.ts";
import type { FeedEntry } from "../feeds/feed-entries.ts";
import type { FeedRenderer } from "./feed-renderer.ts";
import { feedRenderers, rendererFor } from "./index.ts";

const context = { zone: "rpz.decree", serial: 42 };

const entries: FeedEntry[] = [
  { kind: "ip", value: "2001:db8::1", action: "nxdomain" },
  { kind: "cidr", value: "192.0.2.0/24", action: "nxdomain" },
  { kind: "ip", value: "188.114.97.7", action: "nodata" },
  { kind: "domain", value: "allostreaming.com", action: "nxdomain" },
  { kind: "domain", value: "alloshowtv.com", action: "stop-page", addresses: ["192.0.2.80", "2001:db8::80"] },
  { kind: "fqdn", value: "www.fifostream.tv", action: "nxdomain" },
  { kind: "fqdn", value: "stream.allomovies.com", action: "stop-page", addresses: ["192.0.2.80"] },
];

async function* pagesOf(list: FeedEntry[], size: number) {
  for (let start = 0; start < list.length; start += size) yield list.slice(start, start + size);
}

async function render(format: string, size = entries.length): Promise<string> {
  let text = "";
  for await (const chunk of rendererFor(format).render(pagesOf(entries, size), context)) text += chunk;
  return text;
}

async function renderDiff(renderer: FeedRenderer, diff: FeedDiff): Promise<string> {
  assert.ok(renderer.renderDiff, `${renderer.format} renders diffs`);
  let text = "";
  for await (const chunk of renderer.renderDiff(diff, context)) text += chunk;
  return text;
}

const lines = (text: string) => text.split("\n").filter((line) => line !== "" && !/^[#;!]/.test(line));

const narrowed: FeedDiff = {
  from: 40,
  to: 42,
  removed: [
    { kind: "domain", value: "narrowed.fifostream.tv", action: "nxdomain" },
    { kind: "fqdn", value: "lifted.alloshare.com", action: "nxdomain" },
  ],
  added: [
    { kind: "fqdn", value: "narrowed.fifostream.tv", action: "nxdomain" },
    { kind: "ip", value: "93.184.215.34", action: "nxdomain" },
  ],
};

describe("feed renderers", () => {
  it("render the same bytes whatever the page size, since they stream page by page", async () => {
    for (const renderer of feedRenderers) {
      assert.equal(await render(renderer.format, 1), await render(renderer.format), renderer.format);
    }
  });

  it("refuse an unknown format with FEED_UNKNOWN_FORMAT", () => {
    assert.throws(() => rendererFor("bind"), { code: "FEED_UNKNOWN_FORMAT" });
  });

  it("write the plain list as one name per line, domains and exact names alike", async () => {
    assert.equal(
      await render("list"),
      "allostreaming.com\nalloshowtv.com\nwww.fifostream.tv\nstream.allomovies.com\n",
    );
  });

  it("write CSV with a header and CRLF records (RFC 4180)", async () => {
    const csv = await render("csv");
    assert.ok(csv.startsWith("kind,value,action\r\nip,2001:db8::1,nxdomain\r\n"));
    assert.equal(csv.split("\r\n").length, entries.length + 2);
  });

  it("write JSON that parses to the serial, the zone and every entry", async () => {
    assert.deepEqual(JSON.parse(await render("json")), { serial: 42, zone: "rpz.decree", entries });
  });

  it("write the RPZ zone with the primary's SOA and NS, a domain as its name and its wildcard", async () => {
    const zone = await render("rpz");
    assert.match(zone, /^\$ORIGIN rpz\.decree\.$/m);
    assert.match(zone, /^@ IN SOA localhost\. hostmaster\.rpz\.decree\. \( 42 300 60 2592000 60 \)$/m);
    assert.match(zone, /^@ IN NS localhost\.$/m);
    for (const line of [
      "allostreaming.com CNAME .",
      "*.allostreaming.com CNAME .",
      "*.alloshowtv.com AAAA 2001:db8::80",
      "www.fifostream.tv CNAME .",
      "24.0.2.0.192.rpz-ip CNAME .",
      "32.7.97.114.188.rpz-ip CNAME *.",
      "128.1.zz.db8.2001.rpz-ip CNAME .",
    ]) {
      assert.ok(lines(zone).includes(line), line);
    }
    assert.ok(!zone.includes("*.www.fifostream.tv"), "an fqdn has no wildcard");
  });

  it("note after an RPZ record the Extended DNS Error its order chose, as a comment zone parsers skip", async () => {
    const edeOf = async (values: string[]) =>
      new Map(values.filter((value) => value === "allostreaming.com").map((value) => [value, 15]));
    let zone = "";
    for await (const chunk of rendererFor("rpz").render(pagesOf(entries, 3), { ...context, edeOf }))
      zone += chunk;
    assert.match(zone, /^allostreaming\.com CNAME \. ; ede 15$/m);
    assert.match(zone, /^\*\.allostreaming\.com CNAME \. ; ede 15$/m);
    assert.match(zone, /^www\.fifostream\.tv CNAME \.$/m);
  });

  it("give Unbound a zone for a domain but only local data for an exact name", async () => {
    const conf = lines(await render("unbound"));
    assert.equal(conf[0], "server:");
    assert.ok(conf.includes('local-zone: "allostreaming.com." always_nxdomain'));
    assert.ok(conf.includes('local-zone: "alloshowtv.com." redirect'));
    assert.ok(conf.includes('local-data: "alloshowtv.com. 60 IN AAAA 2001:db8::80"'));
    assert.ok(conf.includes(`local-data: 'www.fifostream.tv. 60 IN TXT "blocked by decree (nxdomain)"'`));
    assert.ok(!conf.some((line) => line.startsWith('local-zone: "www.fifostream.tv.')));
    assert.ok(conf.includes("response-ip: 192.0.2.0/24 always_nxdomain"));
  });

  it("give dnsmasq address= for domains, host-record= for names, bogus-nxdomain= for addresses", async () => {
    const conf = lines(await render("dnsmasq"));
    assert.ok(conf.includes("address=/allostreaming.com/"));
    assert.ok(conf.includes("address=/alloshowtv.com/192.0.2.80"));
    assert.ok(conf.includes("local=/alloshowtv.com/"));
    assert.ok(conf.includes("host-record=www.fifostream.tv,0.0.0.0,::,60"));
    assert.ok(conf.includes("host-record=stream.allomovies.com,192.0.2.80,60"));
    assert.ok(conf.includes("bogus-nxdomain=192.0.2.0/24"));
  });

  it("write hosts lines for names only, IPv4 and IPv6 alike, and say how many addresses it could not express", async () => {
    const hosts = await render("hosts");
    assert.deepEqual(lines(hosts), [
      "0.0.0.0 allostreaming.com",
      ":: allostreaming.com",
      "192.0.2.80 alloshowtv.com",
      "2001:db8::80 alloshowtv.com",
      "0.0.0.0 www.fifostream.tv",
      ":: www.fifostream.tv",
      "192.0.2.80 stream.allomovies.com",
    ]);
    assert.match(hosts, /# 3 address entries cannot be expressed in a hosts file/);
    assert.match(hosts, /# What this format cannot express: subdomains/);
  });

  it("say in the dnsmasq and Unbound feeds what those formats cannot express, and that dnsmasq needs a restart", async () => {
    const dnsmasq = await render("dnsmasq");
    assert.match(dnsmasq, /^# What this format cannot express: NODATA/m);
    assert.match(dnsmasq, /^# dnsmasq reads this file at start only: restart it/m);
    assert.match(await render("unbound"), /^# What this format cannot express: NXDOMAIN for one name/m);
  });

  it("describe the Piracy Shield address lists as single addresses, with prefixes in the cidr feed", () => {
    for (const format of ["piracy-shield-ipv4", "piracy-shield-ipv6"]) {
      assert.match(rendererFor(format).description, /no CIDR list; prefixes are in \/feeds\/cidr/);
    }
  });

  it("write adblock rules with subdomains for a domain, anchored on both sides for a name", async () => {
    assert.deepEqual(lines(await render("adblock")), [
      "||allostreaming.com^",
      "||alloshowtv.com^",
      "|www.fifostream.tv^",
      "|stream.allomovies.com^",
    ]);
  });

  it("write addresses as CIDR and as nftables set elements, by family", async () => {
    assert.equal(await render("cidr"), "2001:db8::1/128\n192.0.2.0/24\n188.114.97.7/32\n");
    const nft = lines(await render("nftables"));
    assert.ok(nft.includes("  set decree_v4 { type ipv4_addr; flags interval; auto-merge; }"));
    assert.ok(nft.includes("flush set inet decree decree_v6"));
    assert.ok(nft.includes("add element inet decree decree_v4 { 192.0.2.0/24, 188.114.97.7 }"));
    assert.ok(nft.includes("add element inet decree decree_v6 { 2001:db8::1 }"));
  });

  it("write Piracy Shield lists joined by newlines without a final one, addresses by family", async () => {
    assert.equal(
      await render("piracy-shield-fqdn"),
      "allostreaming.com\nalloshowtv.com\nwww.fifostream.tv\nstream.allomovies.com",
    );
    assert.equal(await render("piracy-shield-ipv4"), "188.114.97.7");
    assert.equal(await render("piracy-shield-ipv6"), "2001:db8::1");
  });

  it("render diffs only where the format can say remove", () => {
    const withDiffs = feedRenderers
      .filter((renderer) => renderer.renderDiff)
      .map((renderer) => renderer.format);
    assert.deepEqual(withDiffs, [
      "list",
      "csv",
      "json",
      "cidr",
      "piracy-shield-fqdn",
      "piracy-shield-ipv4",
      "piracy-shield-ipv6",
    ]);
  });

  it("leave a name out of a list diff when only its kind changed, since its line did not", async () => {
    assert.equal(await renderDiff(rendererFor("list"), narrowed), "-lifted.alloshare.com\n");
    assert.equal(await renderDiff(rendererFor("cidr"), narrowed), "+93.184.215.34/32\n");
  });

  it("write a CSV diff with an op column, removals first", async () => {
    assert.equal(
      await renderDiff(rendererFor("csv"), narrowed),
      [
        "op,kind,value,action",
        "remove,domain,narrowed.fifostream.tv,nxdomain",
        "remove,fqdn,lifted.alloshare.com,nxdomain",
        "add,fqdn,narrowed.fifostream.tv,nxdomain",
        "add,ip,93.184.215.34,nxdomain",
        "",
      ].join("\r\n"),
    );
  });

  it("write a JSON diff that parses to from, to, added and removed", async () => {
    assert.deepEqual(JSON.parse(await renderDiff(rendererFor("json"), narrowed)), {
      from: 40,
      to: 42,
      added: narrowed.added,
      removed: narrowed.removed,
    });
    const empty = { from: 42, to: 42, added: [], removed: [] };
    assert.deepEqual(JSON.parse(await renderDiff(rendererFor("json"), { ...empty })), empty);
  });
});
