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
import { renewTargets } from "./renew-targets.ts";

const actor = "test:authority";

/** An entry valid until 2026-07-01 under an order in force until 2027-01-01. */
async function entryUntilJuly(store: Store, value: string) {
  const { targets } = await recordOrder(store, sampleOrder({ targets: [{ value, until: "2026-07-01" }] }), {
    actor,
    now: duringOrder,
  });
  const id = String(targets?.added[0]?.id);
  await decideTargets(store, { decision: "approve", refs: [id], reason: "test", actor, now: duringOrder });
  return id;
}

function renew(store: Store, id: string, until: string, now = duringOrder) {
  return renewTargets(store, { refs: [id], until, reason: "the order still stands", actor, now });
}

function hasCode(code: string) {
  return (error: unknown) => error instanceof DecreeError && error.code === code;
}

describeEachEngine("renewing entries", (store) => {
  it("moves an active entry's end later and records the old and new ends in a renewal event", async () => {
    const id = await entryUntilJuly(store(), "renew-active.example-films.com");
    const [renewed] = await renew(store(), id, "2026-10-01");
    assert.deepEqual(
      [renewed?.from, renewed?.to, renewed?.previousUntil, renewed?.until],
      ["active", "active", "2026-07-01T00:00:00.000Z", "2026-10-01T00:00:00.000Z"],
    );
    const event = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("subject_id", "=", Number(id))
      .where("action", "=", "target.renewed")
      .executeTakeFirstOrThrow();
    assert.equal(event.reason, "the order still stands");
    assert.deepEqual(JSON.parse(event.data), {
      previousUntil: "2026-07-01T00:00:00.000Z",
      until: "2026-10-01T00:00:00.000Z",
    });
  });

  it("brings an expired entry back into force while its order still is", async () => {
    const id = await entryUntilJuly(store(), "renew-expired.example-films.com");
    const august = new Date("2026-08-01T00:00:00Z");
    await inTransaction(store().db, (trx) => applyClock(trx, august));
    const [renewed] = await renew(store(), id, "2026-12-01", august);
    assert.deepEqual([renewed?.from, renewed?.to], ["expired", "active"]);
  });

  it("refuses to renew past the order's end, and changes nothing", async () => {
    const id = await entryUntilJuly(store(), "renew-too-far.example-films.com");
    const before = await rowCounts(store());
    await assert.rejects(renew(store(), id, "2027-06-01"), hasCode("TARGET_VALIDITY_BEYOND_ORDER"));
    assert.deepEqual(await rowCounts(store()), before);
  });

  it("refuses an end that is not later than the current one, or already past", async () => {
    const id = await entryUntilJuly(store(), "renew-earlier.example-films.com");
    await assert.rejects(renew(store(), id, "2026-06-15"), hasCode("RENEWAL_NOT_LATER"));
    await assert.rejects(renew(store(), id, "2026-05-01"), hasCode("RENEWAL_NOT_LATER"));
    await assert.rejects(renew(store(), id, "next year"), hasCode("RENEWAL_NOT_LATER"));
  });

  it("does not renew a lifted entry: lifting is final", async () => {
    const id = await entryUntilJuly(store(), "renew-lifted.example-films.com");
    await decideTargets(store(), { decision: "lift", refs: [id], reason: "test", actor, now: duringOrder });
    await assert.rejects(renew(store(), id, "2026-10-01"), hasCode("TARGET_TRANSITION_INVALID"));
  });

  it("requires a reason", async () => {
    const id = await entryUntilJuly(store(), "renew-no-reason.example-films.com");
    await assert.rejects(
      renewTargets(store(), { refs: [id], until: "2026-10-01", reason: " ", actor, now: duringOrder }),
      hasCode("REASON_REQUIRED"),
    );
  });
});
