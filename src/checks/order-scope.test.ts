import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { recordOrder } from "../intake/record-order.ts";
import type { CheckedTarget } from "./check.ts";
import { checks, runChecks } from "./index.ts";

const orderScopeOnly = checks.filter((check) => check.name === "order-scope");

function target(overrides: Partial<CheckedTarget> = {}): CheckedTarget {
  return {
    kind: "fqdn",
    value: "films-pirates.fr",
    origin: "order",
    validUntil: "2026-06-30T00:00:00.000Z",
    ...overrides,
  };
}

describeEachEngine("the order-scope check", (store) => {
  async function codes(targets: CheckedTarget[], orderOverrides: Record<string, unknown>, now = duringOrder) {
    const { order } = await recordOrder(store(), sampleOrder(orderOverrides), {
      actor: "test",
      now: duringOrder,
    });
    const found = await runChecks(targets, { order, db: store().db, now }, { list: orderScopeOnly });
    return found.map((findings) => findings.map((f) => `${f.severity} ${f.code}`));
  }

  it("finds nothing for a target the order plainly reaches", async () => {
    assert.deepEqual(await codes([target()], {}), [[]]);
  });

  it("holds a mirror under an order that does not extend to mirrors, and not under one that does", async () => {
    const mirror = target({ origin: "mirror" });
    assert.deepEqual(await codes([mirror], { extendsToMirrors: false }), [
      ["block TARGET_MIRROR_NOT_ALLOWED"],
    ]);
    assert.deepEqual(await codes([mirror], { extendsToMirrors: true }), [[]]);
  });

  it("holds a validity beyond the order's and a measure the order does not grant", async () => {
    const found = await codes(
      [target({ validUntil: "2030-01-01T00:00:00.000Z" }), target({ kind: "ip", value: "45.60.1.1" })],
      {},
    );
    assert.deepEqual(found, [["block TARGET_VALIDITY_BEYOND_ORDER"], ["block ORDER_MEASURE_NOT_GRANTED"]]);
  });

  it("asks for review under an order not yet in force, and blocks under an expired one", async () => {
    assert.deepEqual(await codes([target()], {}, new Date("2025-12-31T00:00:00Z")), [
      ["review ORDER_NOT_IN_FORCE"],
    ]);
    assert.deepEqual(await codes([target()], {}, new Date("2027-06-01T00:00:00Z")), [
      ["block ORDER_EXPIRED"],
    ]);
  });
});
