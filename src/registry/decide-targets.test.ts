import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine, rowCounts } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { recordOrder } from "../intake/record-order.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { applyClock } from "./apply-clock.ts";
import { decideTargets } from "./decide-targets.ts";
import { registryStatus } from "./registry-status.ts";

const actor = "test:authority";

async function orderWith(store: Store, targets: unknown[], overrides: Record<string, unknown> = {}) {
  const { order, targets: added } = await recordOrder(store, sampleOrder({ targets, ...overrides }), {
    actor,
    now: duringOrder,
  });
  return { order, ids: (added?.added ?? []).map((t) => String(t.id)) };
}

function decide(
  store: Store,
  decision: "approve" | "reject" | "suspend" | "lift",
  refs: string[],
  now = duringOrder,
) {
  return decideTargets(store, { decision, refs, reason: "test", actor, now });
}

function hasCode(code: string) {
  return (error: unknown) => error instanceof DecreeError && error.code === code;
}

async function stateOf(store: Store, id: string) {
  const row = await store.db
    .selectFrom("targets")
    .select("state")
    .where("id", "=", Number(id))
    .executeTakeFirstOrThrow();
  return row.state;
}

describeEachEngine("deciding on targets", (store) => {
  it("approving a target of an order in force makes it an active entry, with an event giving the reason", async () => {
    const { ids } = await orderWith(store(), ["approve-me.example-films.com"]);
    const [decided] = await decide(store(), "approve", ids);
    assert.deepEqual([decided?.from, decided?.to], ["proposed", "active"]);
    const event = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("subject_id", "=", Number(ids[0]))
      .where("action", "=", "target.approved")
      .executeTakeFirstOrThrow();
    assert.equal(event.reason, "test");
    assert.equal(event.to_state, "active");
  });

  it("finds a target by its name as well as by its id", async () => {
    await orderWith(store(), ["by-name.example-films.com"]);
    const [decided] = await decide(store(), "approve", ["BY-NAME.example-films.com."]);
    assert.equal(decided?.value, "by-name.example-films.com");
  });

  it("suspends, reinstates and lifts an entry, and a lifted entry stays lifted", async () => {
    const { ids } = await orderWith(store(), ["cycle.example-films.com"]);
    await decide(store(), "approve", ids);
    await decide(store(), "suspend", ids);
    assert.equal(await stateOf(store(), ids[0]!), "suspended");
    const [reinstated] = await decide(store(), "approve", ids);
    assert.equal(reinstated?.to, "active");
    await decide(store(), "lift", ids);
    assert.equal(await stateOf(store(), ids[0]!), "lifted");
    await assert.rejects(decide(store(), "approve", ids), hasCode("TARGET_TRANSITION_INVALID"));
  });

  it("refuses to reject an entry that is already approved", async () => {
    const { ids } = await orderWith(store(), ["approved-once.example-films.com"]);
    await decide(store(), "approve", ids);
    await assert.rejects(decide(store(), "reject", ids), hasCode("TARGET_TRANSITION_INVALID"));
  });

  it("decides all or none: one unknown target leaves the others proposed", async () => {
    const { ids } = await orderWith(store(), ["all-a.example-films.com", "all-b.example-films.com"]);
    const before = await rowCounts(store());
    await assert.rejects(
      decide(store(), "approve", [...ids, "no-such-name.example-films.com"]),
      hasCode("TARGET_NOT_FOUND"),
    );
    assert.deepEqual(await rowCounts(store()), before);
    assert.equal(await stateOf(store(), ids[0]!), "proposed");
  });

  it("calls a name on two orders ambiguous until an order or id is given", async () => {
    await orderWith(store(), ["shared-name.example-films.com"]);
    const { order } = await orderWith(store(), ["shared-name.example-films.com"]);
    await assert.rejects(
      decide(store(), "approve", ["shared-name.example-films.com"]),
      hasCode("TARGET_AMBIGUOUS"),
    );
    const [decided] = await decideTargets(store(), {
      decision: "approve",
      refs: ["shared-name.example-films.com"],
      reason: "test",
      actor,
      now: duringOrder,
      orderId: order.id,
    });
    assert.equal(decided?.orderId, order.id);
  });

  it("requires a reason", async () => {
    const { ids } = await orderWith(store(), ["reasonless.example-films.com"]);
    await assert.rejects(
      decideTargets(store(), { decision: "lift", refs: ids, reason: "  ", actor, now: duringOrder }),
      hasCode("REASON_REQUIRED"),
    );
  });

  it("activates an entry when its validity begins and expires it at its end, without anyone acting", async () => {
    const { ids } = await orderWith(store(), ["timed.example-films.com"], {
      validity: { from: "2026-07-01", until: "2026-08-01" },
    });
    const [approved] = await decide(store(), "approve", ids, duringOrder);
    assert.equal(approved?.to, "approved");
    await inTransaction(store().db, (trx) => applyClock(trx, new Date("2026-07-01T00:00:00Z")));
    assert.equal(await stateOf(store(), ids[0]!), "active");
    const expired = await inTransaction(store().db, (trx) =>
      applyClock(trx, new Date("2026-08-01T00:00:00Z")),
    );
    assert.ok(expired.some((change) => String(change.targetId) === ids[0] && change.to === "expired"));
    assert.equal(await stateOf(store(), ids[0]!), "expired");
    const [event] = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("subject_id", "=", Number(ids[0]))
      .where("action", "=", "target.expired")
      .execute();
    assert.equal(event?.actor, "system:clock");
  });

  it("counts orders, targets and entries by state", async () => {
    const { ids } = await orderWith(store(), ["count-a.example-films.com", "count-b.example-films.com"]);
    await decide(store(), "approve", [ids[0]!]);
    await decide(store(), "reject", [ids[1]!]);
    const status = await registryStatus(store(), duringOrder);
    assert.equal(status.targets.total, (await rowCounts(store())).targets);
    assert.ok(status.entries.byState.active >= 1);
    assert.ok(status.targets.byState.rejected >= 1);
    assert.equal(
      status.entries.total,
      Object.values(status.entries.byState).reduce((a, b) => a + b, 0),
    );
    assert.equal(
      status.orders.total,
      status.orders.byState["in-force"] + status.orders.byState.pending + status.orders.byState.expired,
    );
  });
});
