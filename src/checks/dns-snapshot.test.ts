import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { startAuthoritativeBind, type TestZone } from "../../test/support/authoritative-bind.ts";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { freePort } from "../../test/support/free-port.ts";
import type { ResolverUnderTest } from "../../test/support/resolver-process.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import type { Order } from "../intake/order.ts";
import { recordOrder } from "../intake/record-order.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { CheckedTarget } from "./check.ts";
import { type CheckData, loadCheckData } from "./check-data.ts";
import { type DnsSnapshotSettings, dnsSnapshot } from "./dns-snapshot.ts";
import type { Finding } from "./finding.ts";
import { recordFindings } from "./record-findings.ts";

/**
 * The zones a real BIND serves for these tests: a pirate site's names, one of them aliased into Cloudflare's
 * CNAME setup (whose zone the same BIND serves, with an address in Cloudflare's published ranges).
 */
const zones: TestZone[] = [
  {
    origin: "example-films.com",
    records: [
      "@ IN A 62.210.16.10",
      "www IN CNAME @",
      "mirror IN A 62.210.16.11",
      "mirror IN AAAA 2001:bc8:1::11",
      "stored IN A 62.210.16.12",
      "shop IN CNAME shop.example-films.com.cdn.cloudflare.net.",
      "loop-a IN CNAME loop-b",
      "loop-b IN CNAME loop-a",
      "hosted IN A 62.210.16.50",
    ],
  },
  { origin: "cdn.cloudflare.net", records: ["shop.example-films.com IN A 104.16.132.229"] },
  // Five unrelated sites of other orders on one shared hosting address, as a budget host puts them.
  ...["boulangerie-durand.fr", "club-echecs.fr", "mairie-exemple.fr", "photo-atelier.fr", "yoga-lyon.fr"].map(
    (origin) => ({ origin, records: ["@ IN A 62.210.16.50", "www IN A 62.210.16.50"] }),
  ),
];

function target(kind: CheckedTarget["kind"], value: string): CheckedTarget {
  return { kind, value, origin: "order", validUntil: "2026-12-31T00:00:00.000Z" };
}

describeEachEngine("the DNS snapshot check against a real authoritative BIND", (store) => {
  let bind: ResolverUnderTest;
  let order: Order;
  let data: CheckData;

  before(async () => {
    bind = await startAuthoritativeBind(zones);
    const recorded = await recordOrder(store(), sampleOrder({ targets: ["stored.example-films.com"] }), {
      actor: "test",
      now: duringOrder,
    });
    order = recorded.order;
    data = await loadCheckData(store().db);
  });
  after(async () => {
    await bind?.stop();
  });

  async function findingsFor(targets: CheckedTarget[], settings: Partial<DnsSnapshotSettings> = {}) {
    const run = { targets, context: { order, db: store().db, now: duringOrder }, data, settings: {} };
    const check = await dnsSnapshot({ resolver: { host: bind.host, port: bind.port }, ...settings })(run);
    const found: Finding[][] = [];
    for (const t of targets) found.push(await check.run(t, run.context));
    return found;
  }

  /** Another order's submission through the real path: its snapshots land in the address index. */
  async function submitElsewhere(names: string[], resolver: { host: string; port: number }) {
    const recorded = await recordOrder(store(), sampleOrder({ targets: names }), {
      actor: "test",
      now: duringOrder,
    });
    await inTransaction(store().db, (trx) =>
      recordFindings(trx, recorded.order, recorded.targets?.added ?? [], {
        now: duringOrder,
        settings: { checkResolver: resolver },
      }),
    );
  }

  const codes = (findings: Finding[] | undefined) => (findings ?? []).map((f) => `${f.severity} ${f.code}`);

  it("keeps a plain name's A, AAAA and NS answer as evidence, with no warning", async () => {
    const [mirror, apex] = await findingsFor([
      target("fqdn", "mirror.example-films.com"),
      target("domain", "example-films.com"),
    ]);
    assert.deepEqual(codes(mirror), ["info DNS_SNAPSHOT"]);
    const evidence = mirror?.[0]?.evidence;
    assert.deepEqual(evidence?.a, ["62.210.16.11"]);
    assert.deepEqual(evidence?.aaaa, ["2001:bc8:1::11"]);
    assert.equal(evidence?.server, `127.0.0.1:${bind.port}`);
    assert.deepEqual(apex?.[0]?.evidence.ns, ["ns1.example-films.com"]);
  });

  it("follows the CNAME chain and holds a name aliased into a CDN for review, with the list's source", async () => {
    const [shop, www] = await findingsFor([
      target("fqdn", "shop.example-films.com"),
      target("url", "https://www.example-films.com/film/42"),
    ]);
    assert.deepEqual(codes(shop), [
      "info DNS_SNAPSHOT",
      "review TARGET_CNAME_INTO_CDN",
      "review TARGET_ADDRESS_SHARED",
    ]);
    const cdn = shop?.find((f) => f.code === "TARGET_CNAME_INTO_CDN");
    assert.deepEqual(cdn?.evidence.cnames, ["shop.example-films.com.cdn.cloudflare.net"]);
    assert.equal(cdn?.evidence.provider, "Cloudflare");
    assert.match(String(cdn?.evidence.source), /Cloudflare docs/);
    const shared = shop?.find((f) => f.code === "TARGET_ADDRESS_SHARED");
    assert.match(JSON.stringify(shared?.evidence.shared), /104\.16\.132\.229/);
    assert.deepEqual(codes(www), ["info DNS_SNAPSHOT"]);
    assert.deepEqual(www?.[0]?.evidence.cnames, ["example-films.com"]);
  });

  it("holds an address target for review when no name of the order resolves to it", async () => {
    const [stray, named, stored, prefix] = await findingsFor([
      target("ip", "62.210.16.99"),
      target("ip", "62.210.16.11"),
      target("ip", "62.210.16.12"),
      target("cidr", "62.210.16.8/30"),
      target("fqdn", "mirror.example-films.com"),
    ]);
    assert.deepEqual(codes(stray), ["review TARGET_IP_WITHOUT_NAME"]);
    // Named by a name of the same batch, by a name the order already holds, or inside the prefix.
    assert.deepEqual(codes(named), ["info DNS_SNAPSHOT"]);
    assert.deepEqual(codes(stored), ["info DNS_SNAPSHOT"]);
    assert.match(JSON.stringify(stored?.[0]?.evidence.names), /stored\.example-films\.com/);
    assert.deepEqual(codes(prefix), ["info DNS_SNAPSHOT"]);
  });

  it("holds a name and an address for review when many sites of other orders resolved to the same address", async () => {
    const resolver = { host: bind.host, port: bind.port };
    const [first, ...rest] = [
      "boulangerie-durand.fr",
      "club-echecs.fr",
      "mairie-exemple.fr",
      "photo-atelier.fr",
    ];
    // Four other sites (two names each, one site): one short of the default of five; nothing is held yet.
    for (const site of [first!, ...rest]) await submitElsewhere([site, `www.${site}`], resolver);
    const [before] = await findingsFor([target("fqdn", "hosted.example-films.com")]);
    assert.deepEqual(codes(before), ["info DNS_SNAPSHOT"]);
    await submitElsewhere(["yoga-lyon.fr"], resolver);
    const [hosted, address] = await findingsFor([
      target("fqdn", "hosted.example-films.com"),
      target("ip", "62.210.16.50"),
    ]);
    assert.deepEqual(codes(hosted), ["info DNS_SNAPSHOT", "review TARGET_ADDRESS_SHARED_BY_NAMES"]);
    const shared = hosted?.find((f) => f.code === "TARGET_ADDRESS_SHARED_BY_NAMES");
    assert.match(String(shared?.message), /62\.210\.16\.50 is where 5 other sites/);
    assert.match(JSON.stringify(shared?.evidence), /www\.club-echecs\.fr/);
    assert.ok(codes(address).includes("review TARGET_ADDRESS_SHARED_BY_NAMES"));
  });

  it("does not count the order's own names on the address, however many", async () => {
    const [hosted] = await findingsFor([target("fqdn", "hosted.example-films.com")], {
      sharedAddressSites: 100,
    });
    assert.deepEqual(codes(hosted), ["info DNS_SNAPSHOT"]);
  });

  it("records a name that does not exist, and survives a CNAME loop", async () => {
    const [missing, loop] = await findingsFor([
      target("fqdn", "gone.example-films.com"),
      target("fqdn", "loop-a.example-films.com"),
    ]);
    assert.equal(missing?.[0]?.evidence.status, "nxdomain");
    assert.deepEqual(codes(missing), ["info DNS_SNAPSHOT"]);
    assert.deepEqual(loop?.[0]?.evidence.cnames, ["loop-b.example-films.com", "loop-a.example-films.com"]);
  });

  it("says it was skipped when no resolver is configured, and says so when the resolver does not answer", async () => {
    const [skipped] = await findingsFor([target("fqdn", "mirror.example-films.com")], {
      resolver: undefined,
    });
    assert.deepEqual(codes(skipped), ["info DNS_SNAPSHOT_SKIPPED"]);
    const silent = await freePort();
    const [failed] = await findingsFor([target("fqdn", "mirror.example-films.com")], {
      resolver: { host: "127.0.0.1", port: silent },
      timeoutMs: 100,
      tries: 1,
    });
    assert.deepEqual(codes(failed), ["info DNS_SNAPSHOT_FAILED"]);
  });

  it("answers for every one of a thousand names of a batch, none lost to the bounded concurrency", async () => {
    // Throughput is bench/dns-snapshot.ts's to measure: a timing here would fail on a loaded machine.
    const targets = Array.from({ length: 1000 }, (_, i) => target("fqdn", `n${i}.example-films.com`));
    targets.push(target("fqdn", "mirror.example-films.com"));
    const found = await findingsFor(targets);
    assert.equal(found.length, targets.length);
    const statuses = found.map((findings) => findings[0]?.evidence.status);
    assert.equal(statuses.filter((status) => status === "nxdomain").length, 1000);
    assert.equal(statuses.at(-1), "ok");
  });
});
