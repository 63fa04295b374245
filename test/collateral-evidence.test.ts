import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { loadPassiveDns } from "../src/checks/load-passive-dns.ts";
import { buildApp } from "../src/http/build-app.ts";
import { addWindows } from "../src/intake/add-windows.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { collateralControlNames } from "../src/registry/collateral-control-names.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { storeAddressEvidence } from "../src/registry/store-address-evidence.ts";
import { duringOrder, sampleOrder } from "./support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "./support/stores.ts";

// The collateral page over the service's own evidence: the shipped IP-to-ASN table (5.45.64.0/20 is Scalaxy's,
// AS58061, in it) and a passive-DNS file loaded as an authority would, in which one address serves many
// generated sites, the order's own among them.

const actor = "test:collateral-evidence";
const shared = "5.45.67.89";
const generated = Array.from({ length: 40 }, (_, i) => `site-${String(i).padStart(2, "0")}-gen.fr`);

interface Summary {
  active: { entries: number; addresses: number };
  asns: Array<{ asn: number; organisation: string; entries: number }>;
  coHosted: { count: number; sample: string[] };
}

for (const engine of storeEngines)
  describe(`an order's collateral from the ASN table and a loaded passive-DNS file (${engine.name})`, () => {
    let opened: StoreUnderTest;
    let app: FastifyInstance;
    let dir: string;
    let orderId: number;
    let ids: Record<string, number>;

    before(async () => {
      opened = await engine.open();
      dir = await mkdtemp(join(tmpdir(), "decree-collateral-evidence-"));
      const recorded = await recordOrder(
        opened.store,
        sampleOrder({
          measures: ["ip-block", "dns-block"],
          targets: [shared, "5.45.70.0/24", "streaming-films.com"],
          windows: [
            { from: "2026-06-06T18:00:00Z", until: "2026-06-06T21:00:00Z", label: "Lyon – Marseille" },
            { from: "2026-06-13T18:00:00Z", until: "2026-06-13T21:00:00Z", label: "Paris – Nice" },
          ],
        }),
        { actor, now: duringOrder },
      );
      orderId = recorded.order.id;
      ids = Object.fromEntries((recorded.targets?.added ?? []).map((t) => [t.value, Number(t.id)]));
      // The prefix has a window of its own: the order's windows serve the others only.
      await addWindows(
        opened.store.db,
        recorded.order,
        [{ startsAt: "2026-06-20T18:00:00.000Z", endsAt: "2026-06-20T21:00:00.000Z", source: "explicit" }],
        { actor, now: duringOrder, targetId: ids["5.45.70.0/24"]! },
      );
      await decideTargets(opened.store, {
        decision: "approve",
        refs: Object.values(ids).map(String),
        reason: "ordered",
        actor,
        now: duringOrder,
      });
      // Loaded after the approval, as a new file of observations would be: the collateral is measured on what
      // is known now, not only on what the checks knew.
      const file = join(dir, "fdns.json");
      const lines = [
        ...generated.map((site) => ({ name: `www.${site}`, type: "a", value: shared })),
        { name: "streaming-films.com", type: "a", value: shared },
        { name: "cdn.streaming-films.com", type: "a", value: shared },
        { name: "radio-libre.org", type: "a", value: "5.45.70.12" },
        { name: "elsewhere.example.com", type: "a", value: "198.51.100.7" },
        { name: "www.site-00-gen.fr", type: "cname", value: "site-00-gen.fr" },
      ];
      await writeFile(file, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
      await loadPassiveDns(opened.store.db, file, { actor, now: duringOrder, source: "generated FDNS" });
      app = await buildApp({
        store: opened.store,
        now: () => duringOrder,
        addressEvidence: storeAddressEvidence(opened.store.db),
      });
    });
    after(async () => {
      await app?.close();
      await opened?.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it("shows the ASN and the co-hosted domains, count and sample, of an address shared by many sites", async () => {
      const response = await app.inject(`/public/orders/${orderId}/collateral`);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      const entry = body.entries.find((e: { value: string }) => e.value === shared);
      assert.equal(entry.operator.asn, 58061);
      assert.equal(entry.operator.organisation, "Scalaxy B.V.");
      // Forty generated sites; the order's own site on the same address is not collateral.
      assert.equal(entry.coHosted.count, 40);
      assert.deepEqual(entry.coHosted.sample, generated.slice(0, 10));
      const prefix = body.entries.find((e: { value: string }) => e.value === "5.45.70.0/24");
      assert.deepEqual(prefix.coHosted, { count: 1, sample: ["radio-libre.org"] });
      assert.deepEqual(
        body.asns.map((a: { asn: number; entries: number }) => [a.asn, a.entries]),
        [[58061, 2]],
      );
      assert.equal(body.coHosted.count, 41);
      assert.match(body.sources.asn, /@ip-location-db\/asn.*2026-06-17/);
      assert.match(
        body.sources.coHosting[1],
        /^passive DNS: generated FDNS \(sha256 [0-9a-f]{16}…, loaded 2026-06-01/,
      );
    });

    it("says for each window what it blocks while open: its entries, their ASNs and co-hosted domains", async () => {
      const body = (await app.inject(`/public/orders/${orderId}/collateral`)).json();
      const windows = body.windows as Array<
        Summary & { window: { label: string | null }; entryIds: number[] }
      >;
      assert.deepEqual(
        windows.map((w) => [w.window.label, w.entryIds]),
        [
          ["Lyon – Marseille", [ids[shared]]],
          ["Paris – Nice", [ids[shared]]],
          [null, [ids["5.45.70.0/24"]]],
        ],
      );
      const [match, , own] = windows;
      assert.deepEqual(match!.active, { entries: 1, addresses: 1, ipv6Prefixes: 0 });
      assert.equal(match!.coHosted.count, 40);
      assert.equal(match!.asns[0]!.asn, 58061);
      assert.deepEqual(own!.active, { entries: 1, addresses: 256, ipv6Prefixes: 0 });
      assert.deepEqual(own!.coHosted, { count: 1, sample: ["radio-libre.org"] });
    });

    it("shows each window's collateral on the page, in French and in English", async () => {
      const fr = await app.inject(`/public/orders/${orderId}/collateral.html?lang=fr`);
      assert.equal(fr.statusCode, 200);
      assert.match(fr.body, /Fenêtres de blocage/);
      assert.match(fr.body, /Lyon – Marseille<\/td><td>2026-06-06T18:00:00/);
      assert.match(fr.body, /AS58061 Scalaxy B\.V\. \(1\)<\/td><td>40 \(site-00-gen\.fr/);
      assert.match(fr.body, /à venir/);
      const en = await app.inject(`/public/orders/${orderId}/collateral.html?lang=en`);
      assert.match(en.body, /Blocking windows: what each window blocks while it is open/);
      assert.match(en.body, /Paris – Nice/);
      assert.match(en.body, /scheduled/);
    });

    it("gives probes the co-hosted domains of the loaded file as control names", async () => {
      const names = await collateralControlNames(opened.store.db, 3, storeAddressEvidence(opened.store.db));
      assert.equal(names.length, 3);
      assert.deepEqual(names, ["radio-libre.org", ...generated.slice(0, 2)]);
    });
  });
