import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { buildRelease } from "../../publish/build-release.ts";
import { defaultRpzPolicy } from "../../publish/rpz-policy.ts";
import { applyWindowClock } from "../../registry/apply-window-clock.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { probePlan } from "./probe-plan.ts";

describeEachEngine("the probe plan under blocking windows", (store) => {
  it("expects a name to resolve outside its window and to be blocked inside it", async () => {
    const opens = new Date(duringOrder.getTime() + 3600_000);
    const closes = new Date(opens.getTime() + 7200_000);
    await approveTargets(store(), ["match-stream.example-films.com", "always-blocked.example-films.com"], {});
    await approveTargets(store(), ["windowed-stream.example-films.com"], {
      windows: [{ from: opens.toISOString(), until: closes.toISOString() }],
    });
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, duringOrder);
    const expectationOf = async (name: string, now: Date) =>
      (await probePlan(store().db, { now }))
        .filter((item) => item.name === name)
        .map((item) => item.expectation);

    assert.deepEqual(await expectationOf("windowed-stream.example-films.com", duringOrder), ["lifted"]);
    assert.deepEqual(await expectationOf("always-blocked.example-films.com", duringOrder), ["blocked"]);
    await inTransaction(store().db, (trx) => applyWindowClock(trx, opens));
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, opens);
    assert.deepEqual(await expectationOf("windowed-stream.example-films.com", opens), ["blocked"]);
    await inTransaction(store().db, (trx) => applyWindowClock(trx, closes));
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, closes);
    assert.deepEqual(await expectationOf("windowed-stream.example-films.com", closes), ["lifted"]);
  });
});
