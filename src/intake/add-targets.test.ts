import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine, rowCounts } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { DecreeError } from "../errors/decree-error.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { addTargets, type TargetRequest } from "./add-targets.ts";
import { findOrder } from "./find-order.ts";
import { recordOrder } from "./record-order.ts";

const actor = "test:applicant";

async function newOrder(store: Store, overrides: Record<string, unknown> = {}) {
  return (await recordOrder(store, sampleOrder(overrides), { actor, now: duringOrder })).order;
}

function lines(...inputs: string[]): TargetRequest[] {
  return inputs.map((input, index) => ({ input, line: index + 1 }));
}

function add(store: Store, orderId: number, requests: TargetRequest[], extra: Record<string, unknown> = {}) {
  return inTransaction(store.db, async (trx) =>
    addTargets(trx, await findOrder(trx, orderId), requests, { actor, now: duringOrder, ...extra }),
  );
}

describeEachEngine("proposing targets under an order", (store) => {
  it("refuses a batch with no target at all, storing nothing", async () => {
    const order = await newOrder(store());
    const before = await rowCounts(store());
    await assert.rejects(
      add(store(), order.id, []),
      (error: unknown) => error instanceof DecreeError && error.code === "IMPORT_EMPTY",
    );
    assert.deepEqual(await rowCounts(store()), before);
  });

  it("stores nothing from a batch with a rejected line, and reports every rejected line with its code", async () => {
    const order = await newOrder(store());
    const before = await rowCounts(store());
    await assert.rejects(
      add(
        store(),
        order.id,
        lines("films-a.example-films.com", "github.io", "films-a.example-films.com", "10.1.2.3"),
      ),
      (error: unknown) => {
        assert.ok(error instanceof DecreeError);
        assert.equal(error.code, "TARGETS_REJECTED");
        assert.deepEqual(
          (error.details?.rejected as Array<{ line: number; code: string }> | undefined)?.map((r) => [
            r.line,
            r.code,
          ]),
          [
            [2, "TARGET_PUBLIC_SUFFIX"],
            [3, "TARGET_DUPLICATE"],
            [4, "TARGET_PRIVATE_RANGE"],
          ],
        );
        return true;
      },
    );
    assert.deepEqual(await rowCounts(store()), before);
  });

  it("stores the valid lines and reports the others with --skip-invalid", async () => {
    const order = await newOrder(store());
    const result = await add(store(), order.id, lines("films-b.example-films.com", "com", "*.films-c.net"), {
      skipInvalid: true,
    });
    assert.deepEqual(
      result.added.map((t) => t.value),
      ["films-b.example-films.com", "films-c.net"],
    );
    assert.deepEqual(
      result.rejected.map((r) => [r.line, r.code]),
      [[2, "TARGET_PUBLIC_SUFFIX"]],
    );
  });

  it("refuses a target the order already has with TARGET_DUPLICATE", async () => {
    const order = await newOrder(store());
    await add(store(), order.id, lines("dup.example-films.com"));
    await assert.rejects(
      add(store(), order.id, lines("DUP.example-films.com.")),
      (error: unknown) => error instanceof DecreeError && error.code === "TARGET_DUPLICATE",
    );
  });

  it("refuses an IP target under an order that grants no ip-block", async () => {
    const order = await newOrder(store());
    await assert.rejects(
      add(store(), order.id, lines("93.184.215.14")),
      (error: unknown) => error instanceof DecreeError && error.code === "ORDER_MEASURE_NOT_GRANTED",
    );
  });

  it("refuses a validity beyond the order's end", async () => {
    const order = await newOrder(store());
    await assert.rejects(
      add(store(), order.id, [{ input: "late.example-films.com", until: "2027-06-01", line: 1 }]),
      (error: unknown) => error instanceof DecreeError && error.code === "TARGET_VALIDITY_BEYOND_ORDER",
    );
    const ok = await add(store(), order.id, [
      { input: "early.example-films.com", until: "2026-09-01", line: 1 },
    ]);
    assert.equal(ok.added.length, 1);
  });

  it("refuses an unknown kind in a file with TARGET_UNKNOWN_KIND", async () => {
    const order = await newOrder(store());
    await assert.rejects(
      add(store(), order.id, [{ input: "kind.example-films.com", kind: "host", line: 7 }]),
      (error: unknown) => error instanceof DecreeError && error.code === "TARGET_UNKNOWN_KIND",
    );
  });

  it("refuses targets under an expired order with ORDER_EXPIRED", async () => {
    const order = await newOrder(store(), { validity: { from: "2020-01-01", duration: "P1Y" } });
    await assert.rejects(
      add(store(), order.id, lines("old.example-films.com")),
      (error: unknown) => error instanceof DecreeError && error.code === "ORDER_EXPIRED",
    );
  });

  it("refuses an unknown order with ORDER_NOT_FOUND", async () => {
    await assert.rejects(
      add(store(), 999_999, lines("x.example-films.com")),
      (error: unknown) => error instanceof DecreeError && error.code === "ORDER_NOT_FOUND",
    );
  });
});
