import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish, suspendTargets } from "../../../test/support/published-zone.ts";
import { ZoneSource } from "../zone-source.ts";
import { feedDiff } from "./feed-diff.ts";
import { zoneOwnerLookup } from "./zone-owner-lookup.ts";

describeEachEngine("feed diffs between serials", (store) => {
  const diffSince = (serial: number, maxRecords = 1000) =>
    feedDiff(new ZoneSource(store().db), zoneOwnerLookup(store().db), serial, maxRecords);

  it("lists what was added and what was lifted since a serial, in entries", async () => {
    const [old] = await approveTargets(store(), ["old.fifostream.com"]);
    const from = await publish(store());
    await approveTargets(store(), [{ value: "alloseven.com", kind: "domain" }, "93.184.215.34"], {
      measures: ["dns-block", "ip-block"],
    });
    await suspendTargets(store(), [old!]);
    const to = await publish(store());
    const result = await diffSince(from);
    assert.deepEqual(result?.diff, {
      from,
      to,
      removed: [{ kind: "fqdn", value: "old.fifostream.com", action: "nxdomain" }],
      added: [
        { kind: "ip", value: "93.184.215.34", action: "nxdomain" },
        { kind: "domain", value: "alloseven.com", action: "nxdomain" },
      ],
    });
  });

  it("says a domain narrowed to its exact name was removed as a domain and added as an fqdn", async () => {
    const [domain] = await approveTargets(store(), [{ value: "narrowed.fifostream.tv", kind: "domain" }]);
    await approveTargets(store(), ["narrowed.fifostream.tv"]);
    const from = await publish(store());
    await suspendTargets(store(), [domain!]);
    await publish(store());
    const result = await diffSince(from);
    assert.deepEqual(result?.diff.removed, [
      { kind: "domain", value: "narrowed.fifostream.tv", action: "nxdomain" },
    ]);
    assert.deepEqual(result?.diff.added, [
      { kind: "fqdn", value: "narrowed.fifostream.tv", action: "nxdomain" },
    ]);
  });

  it("answers an empty diff from the current serial", async () => {
    const current = await publish(store());
    const result = await diffSince(current);
    assert.deepEqual(result?.diff, { from: current, to: current, removed: [], added: [] });
  });

  it("has no diff from a serial the journal does not know, nor one larger than allowed", async () => {
    assert.equal(await diffSince(987_654), null);
    const from = await publish(store());
    await approveTargets(store(), ["a.allourls.com", "b.allourls.com", "c.allourls.com"]);
    await publish(store());
    assert.equal(await diffSince(from, 2), null);
  });
});
