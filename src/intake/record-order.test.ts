import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine, rowCounts } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { parseOrderFile } from "./parse-order-file.ts";
import { recordOrder } from "./record-order.ts";

const actor = "test:authority";

function hasCode(code: string) {
  return (error: unknown) => error instanceof DecreeError && error.code === code;
}

describeEachEngine("recording an order", (store) => {
  it("stores the order, its proposed targets and one event for each", async () => {
    const before = await rowCounts(store());
    const { order, targets } = await recordOrder(
      store(),
      sampleOrder({ targets: ["stream.example-films.com", { value: "*.allofilms.net" }] }),
      { actor, now: duringOrder },
    );
    assert.equal(order.validFrom, "2026-01-01T00:00:00.000Z");
    assert.equal(order.validUntil, "2027-01-01T00:00:00.000Z");
    assert.equal(order.jurisdiction, "FR");
    assert.equal(order.deadlineSeconds, 15 * 86400);
    assert.deepEqual(
      targets?.added.map((t) => [t.kind, t.value]),
      [
        ["fqdn", "stream.example-films.com"],
        ["domain", "allofilms.net"],
      ],
    );
    const after = await rowCounts(store());
    assert.deepEqual(after, {
      orders: before.orders + 1,
      targets: before.targets + 2,
      events: before.events + 3,
    });
    const events = await store().db.selectFrom("events").selectAll().orderBy("id", "desc").limit(3).execute();
    assert.deepEqual(events.map((e) => e.action).sort(), [
      "order.recorded",
      "target.proposed",
      "target.proposed",
    ]);
    assert.ok(events.every((e) => e.actor === actor));
  });

  it("refuses the same decision twice with ORDER_DUPLICATE and changes nothing", async () => {
    const input = sampleOrder();
    await recordOrder(store(), input, { actor, now: duringOrder });
    const before = await rowCounts(store());
    await assert.rejects(
      recordOrder(store(), input, { actor, now: duringOrder }),
      hasCode("ORDER_DUPLICATE"),
    );
    assert.deepEqual(await rowCounts(store()), before);
  });

  it("stores nothing when one of the order's targets is refused", async () => {
    const before = await rowCounts(store());
    await assert.rejects(
      recordOrder(store(), sampleOrder({ targets: ["good-name.example-films.com", "co.uk"] }), {
        actor,
        now: duringOrder,
      }),
      (error: unknown) =>
        hasCode("TARGETS_REJECTED")(error) &&
        JSON.stringify((error as DecreeError).details).includes("TARGET_PUBLIC_SUFFIX"),
    );
    assert.deepEqual(await rowCounts(store()), before);
  });

  it("keeps the Extended DNS Error an order chose, by number or name, and 16 when it chose none", async () => {
    const chosen = await recordOrder(store(), sampleOrder({ ede: "Filtered" }), { actor, now: duringOrder });
    assert.equal(chosen.order.ede, 17);
    const numbered = await recordOrder(store(), sampleOrder({ ede: 15 }), { actor, now: duringOrder });
    assert.equal(numbered.order.ede, 15);
    const plain = await recordOrder(store(), sampleOrder(), { actor, now: duringOrder });
    assert.equal(plain.order.ede, 16);
  });

  it("refuses an Extended DNS Error an order may not choose with ORDER_EDE_INVALID and changes nothing", async () => {
    const before = await rowCounts(store());
    for (const ede of [18, "forged", "15.0", 0]) {
      await assert.rejects(
        recordOrder(store(), sampleOrder({ ede, targets: ["stream.example-films.com"] }), {
          actor,
          now: duringOrder,
        }),
        (error: unknown) => hasCode("ORDER_EDE_INVALID")(error) && /15 \(blocked\)/.test(String(error)),
      );
    }
    assert.deepEqual(await rowCounts(store()), before);
  });

  it("refuses a validity that ends before it begins", async () => {
    await assert.rejects(
      recordOrder(store(), sampleOrder({ validity: { from: "2026-01-01", until: "2025-01-01" } }), {
        actor,
        now: duringOrder,
      }),
      hasCode("ORDER_INVALID"),
    );
  });

  it("reads the shipped demo order: 16 domains, 15 days to apply, 12 months", async () => {
    const { order, targets } = await recordOrder(
      store(),
      await parseOrderFile(new URL("../../data/demo/allostreaming-2013.yaml", import.meta.url).pathname),
      { actor, now: new Date("2014-01-10T00:00:00Z") },
    );
    assert.equal(order.caseNumber, "RG 11/60013");
    assert.equal(order.addressees.length, 9);
    assert.equal(order.validUntil, "2014-12-13T00:00:00.000Z");
    assert.equal(targets?.added.length, 16);
    assert.ok(targets?.added.every((t) => t.kind === "domain"));
  });
});

it("refuses an order file with missing and malformed fields, naming each one", async () => {
  const { validateOrderInput } = await import("./parse-order-file.ts");
  assert.throws(
    () =>
      validateOrderInput(
        { kind: "court-decision", jurisdiction: "France", measures: ["dns-block", "dns-block"] },
        "x.yaml",
      ),
    (error: unknown) =>
      hasCode("ORDER_INVALID")(error) &&
      /jurisdiction/.test((error as Error).message) &&
      /caseNumber/.test((error as Error).message) &&
      /measures/.test((error as Error).message),
  );
});

describeEachEngine("an order addressed to a kind of enforcer", (store) => {
  it("keeps the kind of an addressee that names one, and refuses a kind that is not one", async () => {
    const addressees = [
      { name: "Orange", role: "operator" },
      { name: "the VPN providers", role: "operator", kind: "vpn" },
    ];
    const { order } = await recordOrder(store(), sampleOrder({ addressees, caseNumber: "RG 26/00001" }), {
      actor,
      now: duringOrder,
    });
    assert.deepEqual(order.addressees, addressees);
    // The order schema itself refuses it, before anything is stored.
    assert.throws(
      () => sampleOrder({ addressees: [{ name: "x", role: "operator", kind: "registrar" }] }),
      /addressees\.0\.kind/,
    );
  });
});
