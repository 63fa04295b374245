import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { recordOrder } from "../intake/record-order.ts";
import { applyClock } from "../registry/apply-clock.ts";
import { decideTargets } from "../registry/decide-targets.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { buildRelease } from "./build-release.ts";
import { defaultRpzPolicy } from "./rpz-policy.ts";
import { ZoneSource } from "./zone-source.ts";

const actor = "test:authority";

async function approved(store: Store, targets: unknown[], overrides: Record<string, unknown> = {}) {
  const { targets: added } = await recordOrder(store, sampleOrder({ targets, ...overrides }), {
    actor,
    now: duringOrder,
  });
  const refs = (added?.added ?? []).map((t) => String(t.id));
  await decideTargets(store, { decision: "approve", refs, reason: "ordered", actor, now: duringOrder });
  return refs;
}

function release(store: Store, now = duringOrder) {
  return buildRelease(store.db, store.dialect, defaultRpzPolicy, now);
}

async function zone(store: Store) {
  const snapshot = await new ZoneSource(store.db).snapshot();
  return snapshot.records.map((r) => `${r.owner} ${r.rtype} ${r.rdata}`).sort();
}

describeEachEngine("building releases", (store) => {
  it("starts the zone at release 1, even with nothing to block", async () => {
    const first = await release(store());
    assert.equal(first?.serial, 1);
    assert.equal(await release(store()), null);
  });

  it("publishes an approved domain as its name and its wildcard, in the next serial", async () => {
    await approved(store(), [{ value: "allostreaming.com", kind: "domain" }, "www.fifostream.tv"]);
    const next = await release(store());
    assert.equal(next?.serial, 2);
    assert.equal(next?.added, 3);
    assert.deepEqual(await zone(store()), [
      "*.allostreaming.com CNAME .",
      "allostreaming.com CNAME .",
      "www.fifostream.tv CNAME .",
    ]);
  });

  it("keeps a name that another order still blocks when one order's target is lifted", async () => {
    // DNS blocking only: under a delist order the lift would change the de-listing list, hence a release.
    const dnsOnly = { measures: ["dns-block"] };
    const [first] = await approved(store(), ["shared.fifostream.net"], dnsOnly);
    await approved(store(), ["shared.fifostream.net"], dnsOnly);
    await release(store());
    await decideTargets(store(), {
      decision: "lift",
      refs: [first!],
      reason: "appeal upheld",
      actor,
      now: duringOrder,
    });
    assert.equal(await release(store()), null);
    assert.ok((await zone(store())).includes("shared.fifostream.net CNAME ."));
  });

  it("removes a suspended entry and records the removal in the journal", async () => {
    const [id] = await approved(store(), ["suspend-me.fifostream.org"]);
    const before = await release(store());
    await decideTargets(store(), {
      decision: "suspend",
      refs: [id!],
      reason: "appeal",
      actor,
      now: duringOrder,
    });
    const after = await release(store());
    assert.equal(after?.removed, 1);
    const steps = await new ZoneSource(store().db).stepsSince(before!.serial, 1000);
    assert.deepEqual(
      steps?.steps.map((s) => [s.fromSerial, s.toSerial, s.removed.length, s.added.length]),
      [[before!.serial, after!.serial, 1, 0]],
    );
  });

  it("expires an entry at its end through the clock, in a release of its own", async () => {
    await approved(store(), ["short-lived.fifostream.com"], {
      validity: { from: "2026-01-01", until: "2026-07-01" },
    });
    await release(store());
    assert.ok((await zone(store())).includes("short-lived.fifostream.com CNAME ."));
    const end = new Date("2026-07-01T00:00:00Z");
    await inTransaction(store().db, (trx) => applyClock(trx, end));
    const expiry = await release(store(), end);
    assert.ok(expiry && expiry.removed >= 1);
    assert.ok(!(await zone(store())).includes("short-lived.fifostream.com CNAME ."));
  });

  it("publishes addresses under ip-block only, with the order's own action", async () => {
    await approved(store(), ["93.184.215.14", "2606:2800:21f::/48"], {
      measures: ["ip-block"],
      dnsAction: "nodata",
    });
    await release(store());
    const records = await zone(store());
    assert.ok(records.includes("32.14.215.184.93.rpz-ip CNAME *."));
    assert.ok(records.includes("48.zz.21f.2800.2606.rpz-ip CNAME *."));
  });

  it("sends the whole zone instead of steps from a serial it does not know", async () => {
    assert.equal(await new ZoneSource(store().db).stepsSince(987_654, 1000), null);
  });
});
