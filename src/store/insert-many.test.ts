import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { recordOrder } from "../intake/record-order.ts";
import { insertMany } from "./insert-many.ts";

describeEachEngine("inserting many rows at once", (store) => {
  it("stores text, numbers, nulls and bytes as given, past one statement's worth of rows", async () => {
    const rows = 12_345;
    await insertMany(
      store().db,
      "events",
      ["at", "actor", "subject_type", "subject_id", "action", "from_state", "to_state", "reason", "data"],
      rows,
      (row, out, at) => {
        out[at] = "2026-06-01T12:00:00.000Z";
        out[at + 1] = "test:bulk";
        out[at + 2] = "bulk";
        out[at + 3] = row;
        out[at + 4] = "bulk.written";
        out[at + 5] = null;
        out[at + 6] = row % 2 === 0 ? "even" : null;
        out[at + 7] = `a "quoted", {braced} \\ reason ${row}`;
        out[at + 8] = "{}";
      },
    );
    const stored = await store()
      .db.selectFrom("events")
      .select(["id", "subject_id", "from_state", "to_state", "reason"])
      .where("actor", "=", "test:bulk")
      .orderBy("subject_id")
      .execute();
    assert.equal(stored.length, rows);
    assert.deepEqual(
      { ...stored[7], id: undefined },
      {
        id: undefined,
        subject_id: 7,
        from_state: null,
        to_state: null,
        reason: 'a "quoted", {braced} \\ reason 7',
      },
    );
    assert.equal(stored[8]?.to_state, "even");

    const first = Number(stored[0]!.id);
    const salt = Buffer.from([0, 1, 2, 255]);
    await insertMany(store().db, "log_commitments", ["event_id", "salt", "commitment"], 2, (row, out, at) => {
      out[at] = first + row;
      out[at + 1] = salt;
      out[at + 2] = Buffer.alloc(32, row);
    });
    const commitments = await store()
      .db.selectFrom("log_commitments")
      .selectAll()
      .where("event_id", "in", [first, first + 1])
      .orderBy("event_id")
      .execute();
    assert.deepEqual(Buffer.from(commitments[1]!.salt as Uint8Array), salt);
    assert.deepEqual(Buffer.from(commitments[1]!.commitment as Uint8Array), Buffer.alloc(32, 1));
  });

  it("leaves out the rows a unique index refuses when asked to, returning the others", async () => {
    const { order } = await recordOrder(store(), sampleOrder(), { actor: "test", now: duringOrder });
    const columns = [
      "order_id",
      "kind",
      "value",
      "input",
      "display",
      "state",
      "valid_from",
      "valid_until",
      "origin",
      "created_at",
      "updated_at",
    ];
    const insert = (values: string[]) =>
      insertMany(
        store().db,
        "targets",
        columns,
        values.length,
        (row, out, at) => {
          out[at] = order.id;
          out[at + 1] = "fqdn";
          for (let column = 2; column <= 4; column++) out[at + column] = values[row];
          out[at + 5] = "proposed";
          out[at + 6] = order.validFrom;
          out[at + 7] = order.validUntil;
          out[at + 8] = "order";
          out[at + 9] = order.validFrom;
          out[at + 10] = order.validFrom;
        },
        ["value"],
        { skipConflicts: true },
      );
    await insert(["one.example-films.com"]);
    const returned = await insert(["one.example-films.com", "two.example-films.com"]);
    assert.deepEqual(
      returned.map((row) => row.value),
      ["two.example-films.com"],
    );
  });
});
