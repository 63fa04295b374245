import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { sampleOrder } from "../../../test/support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { collateralControlNames } from "../../registry/collateral-control-names.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import type { AddressEvidence } from "../../registry/order-collateral.ts";
import { buildApp } from "../build-app.ts";

const now = new Date("2026-06-01T12:00:00Z");
const actor = "test:collateral";

// A small evidence source over fixed tables, standing for the ASN dataset and the passive-DNS index: the route
// takes any implementation of the interface, and this one answers what the test says the data holds.
const evidence: AddressEvidence = {
  async operatorOf(address) {
    if (address.startsWith("5.45."))
      return { asn: 64500, organisation: "Leased Hosting Ltd", category: "hosting" };
    return undefined;
  },
  async coHostedOn(address, sampleSize) {
    if (address !== "5.45.67.89") return undefined;
    const sites = ["bakery-lyon.fr", "chess-club.org", "streaming-films.com", "town-library.fr"];
    return { count: sites.length, sample: sites.slice(0, sampleSize) };
  },
  source: { asn: "test ASN table (2026-06-01)", coHosting: "test passive DNS (2026-06-01)" },
};

for (const engine of storeEngines)
  describe(`the public collateral of an order's IP entries (${engine.name})`, () => {
    let opened: StoreUnderTest;
    let app: FastifyInstance;
    let bare: FastifyInstance;
    let orderId: number;

    before(async () => {
      opened = await engine.open();
      app = await buildApp({ store: opened.store, now: () => now, addressEvidence: evidence });
      bare = await buildApp({ store: opened.store, now: () => now });
      const recorded = await recordOrder(
        opened.store,
        sampleOrder({
          measures: ["ip-block", "dns-block"],
          targets: ["5.45.67.89", "5.45.68.0/24", "2a0e:97c0:3e1::/48", "streaming-films.com"],
        }),
        { actor, now },
      );
      orderId = recorded.order.id;
      const refs = (recorded.targets?.added ?? []).map((target) => String(target.id));
      await decideTargets(opened.store, { decision: "approve", refs, reason: "ordered", actor, now });
      // Another order's name seen at its submission on an address inside the /24: the registry's own snapshot.
      const other = await recordOrder(opened.store, sampleOrder({ targets: ["www.community-radio.org"] }), {
        actor,
        now,
      });
      await opened.store.db
        .insertInto("snapshot_addresses")
        .values({
          address: "5.45.68.10",
          name: "www.community-radio.org",
          site: "community-radio.org",
          order_id: other.order.id,
          target_id: other.targets!.added[0]!.id,
          taken_at: now.toISOString(),
        })
        .execute();
    });
    after(async () => {
      await app.close();
      await bare.close();
      await opened.dispose();
    });

    it("counts the addresses, names the ASNs and samples the other sites on them, without the order's own", async () => {
      const response = await app.inject(`/public/orders/${orderId}/collateral`);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.deepEqual(body.active, { entries: 3, addresses: 257, ipv6Prefixes: 1 });
      assert.deepEqual(body.asns, [
        { asn: 64500, organisation: "Leased Hosting Ltd", category: "hosting", entries: 2 },
      ]);
      assert.deepEqual(body.coHosted.sample, [
        "bakery-lyon.fr",
        "chess-club.org",
        "community-radio.org",
        "town-library.fr",
      ]);
      const single = body.entries.find((entry: { value: string }) => entry.value === "5.45.67.89");
      assert.equal(single.coHosted.count, 4);
      const v6 = body.entries.find((entry: { value: string }) => entry.value === "2a0e:97c0:3e1::/48");
      assert.equal(v6.operator, null);
      assert.equal(v6.coHosted, null);
      assert.deepEqual(body.sources.coHosting, ["registry DNS snapshots", "test passive DNS (2026-06-01)"]);
    });

    it("draws on the registry's own snapshots alone when no evidence source is wired", async () => {
      const body = (await bare.inject(`/public/orders/${orderId}/collateral`)).json();
      assert.deepEqual(body.asns, []);
      assert.equal(body.sources.asn, null);
      assert.equal(body.entries[0].coHosted, null);
      const prefix = body.entries.find((entry: { value: string }) => entry.value === "5.45.68.0/24");
      assert.deepEqual(prefix.coHosted, { count: 1, sample: ["community-radio.org"] });
    });

    it("shows the same as a page in French or English, with nothing that runs", async () => {
      const fr = await app.inject(`/public/orders/${orderId}/collateral.html`);
      assert.equal(fr.statusCode, 200);
      assert.match(fr.headers["content-type"] as string, /text\/html/);
      assert.match(fr.body, /effets collatéraux/);
      assert.match(fr.body, /AS64500 Leased Hosting Ltd/);
      assert.match(fr.headers["content-security-policy"] as string, /default-src 'none'/);
      const en = await app.inject({
        url: `/public/orders/${orderId}/collateral.html`,
        headers: { "accept-language": "en" },
      });
      assert.match(en.body, /collateral of its IP blocks/);
      assert.match(en.body, /town-library\.fr/);
    });

    it("gives probes the co-hosted domains as control names, up to the number asked", async () => {
      assert.deepEqual(await collateralControlNames(opened.store.db, 2, evidence), [
        "bakery-lyon.fr",
        "chess-club.org",
      ]);
      assert.deepEqual(await collateralControlNames(opened.store.db, 0, evidence), []);
      assert.deepEqual(await collateralControlNames(opened.store.db, 5), ["community-radio.org"]);
    });

    it("answers an unknown order with its code", async () => {
      const response = await app.inject("/public/orders/999/collateral");
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().code, "ORDER_NOT_FOUND");
    });
  });
