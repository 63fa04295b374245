import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { recordOrder } from "../intake/record-order.ts";
import { decideTargets } from "../registry/decide-targets.ts";
import { buildRelease } from "./build-release.ts";
import { defaultRpzPolicy } from "./rpz-policy.ts";
import { ZoneSource } from "./zone-source.ts";

const actor = "test:zone-source-journal";

describeEachEngine("a release's journal read page by page", (store) => {
  it("holds the same changes as the journal read at once, across several pages and releases", async () => {
    for (const batch of [0, 1]) {
      const targets = Array.from({ length: 3000 }, (_, i) => ({
        value: `bulk-${batch}-${i}.com`,
        kind: "domain",
      }));
      const recorded = await recordOrder(
        store(),
        sampleOrder({ targets, caseNumber: `RG 26/0000${batch}` }),
        {
          actor,
          now: duringOrder,
        },
      );
      const refs = (recorded.targets?.added ?? []).map((target) => String(target.id));
      await decideTargets(store(), { decision: "approve", refs, reason: "ordered", actor, now: duringOrder });
      assert.ok(await buildRelease(store().db, store().dialect, defaultRpzPolicy, duringOrder));
    }
    const source = new ZoneSource(store().db);
    let pauses = 0;
    const paged = await source.releasesAfter(0, Number.POSITIVE_INFINITY, async () => {
      pauses++;
    });
    const whole = await source.releasesAfter(0, Number.POSITIVE_INFINITY);
    assert.ok(paged && whole);
    if (store().dialect === "sqlite") assert.ok(pauses > 1, "SQLite's journal was read in several pages");
    assert.equal(paged.length, 2);
    const key = (r: { owner: string; rtype: string; rdata: string }) => `${r.owner} ${r.rtype} ${r.rdata}`;
    const sorted = (records: Array<{ owner: string; rtype: string; rdata: string }>) =>
      records.map(key).sort();
    paged.forEach((step, i) => {
      assert.equal(step.added.length, 6000, "each release adds a name and its wildcard for 3000 targets");
      assert.deepEqual(sorted(step.added), sorted(whole[i]!.added));
      assert.deepEqual(sorted(step.removed), sorted(whole[i]!.removed));
      assert.equal(step.serial, whole[i]!.serial);
    });
  });
});
