import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { describeEachEngine, rowCounts } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { DecreeError } from "../errors/decree-error.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { AddedTarget } from "./add-targets.ts";
import { findOrder } from "./find-order.ts";
import { importTargets } from "./import-targets.ts";
import { targetFileBatches } from "./parse-target-file.ts";
import { recordOrder } from "./record-order.ts";

const actor = "test:applicant";
const dir = mkdtempSync(join(tmpdir(), "decree-import-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(text: string): string {
  const path = join(dir, `targets-${files++}.txt`);
  writeFileSync(path, text);
  return path;
}

async function newOrder(store: Store) {
  return (await recordOrder(store, sampleOrder(), { actor, now: duringOrder })).order;
}

/** Imports a file in batches of three lines, so that what one batch meets was stored by an earlier one. */
function importFile(store: Store, orderId: number, path: string, extra: Record<string, unknown> = {}) {
  const batches: AddedTarget[][] = [];
  return inTransaction(store.db, async (trx) => {
    const result = await importTargets(
      trx,
      await findOrder(trx, orderId),
      targetFileBatches(path, { batchSize: 3 }),
      {
        actor,
        now: duringOrder,
        onBatch: async (added) => {
          batches.push(added);
        },
        ...extra,
      },
    );
    return { ...result, batches };
  });
}

function rejectedLines(error: unknown): Array<[number, string]> {
  assert.ok(error instanceof DecreeError);
  const rejected = error.details?.rejected as Array<{ line: number; code: string }>;
  return rejected.map((r) => [r.line, r.code]);
}

describeEachEngine("importing a target file as a stream", (store) => {
  it("stores every line batch by batch, with one event each, and hands each batch to the checks", async () => {
    const order = await newOrder(store());
    const before = await rowCounts(store());
    const names = Array.from({ length: 8 }, (_, i) => `mirror-${i}.example-films.com`);
    const result = await importFile(store(), order.id, file(`# mirrors\n${names.join("\n")}\n`));
    assert.equal(result.added, 8);
    assert.deepEqual(
      result.batches.map((batch) => batch.length),
      [3, 3, 2],
    );
    assert.deepEqual(
      result.targets.map((t) => t.value),
      names,
    );
    const after = await rowCounts(store());
    assert.equal(after.targets - before.targets, 8);
    assert.equal(after.events - before.events, 8);
  });

  it("names the earlier line of a duplicate in another batch, and a target already on the order, storing nothing", async () => {
    const order = await newOrder(store());
    await importFile(store(), order.id, file("already.example-films.com\n"));
    const before = await rowCounts(store());
    const path = file(
      "a.example-films.com\nb.example-films.com\nc.example-films.com\nd.example-films.com\n" +
        "A.example-films.com.\nalready.example-films.com\n",
    );
    await assert.rejects(importFile(store(), order.id, path), (error: unknown) => {
      assert.deepEqual(rejectedLines(error), [
        [5, "TARGET_DUPLICATE"],
        [6, "TARGET_DUPLICATE"],
      ]);
      const rejected = (error as DecreeError).details?.rejected as Array<{ message: string }>;
      const messages = rejected.map((r) => r.message);
      assert.match(messages[0]!, /the same target as line 1/);
      assert.match(messages[1]!, new RegExp(`already on order ${order.id}`));
      return true;
    });
    assert.deepEqual(await rowCounts(store()), before);
  });

  it("stores nothing from a file whose last line is refused, however many batches came before", async () => {
    const order = await newOrder(store());
    const before = await rowCounts(store());
    const names = Array.from({ length: 10 }, (_, i) => `ok-${i}.example-films.com`);
    await assert.rejects(
      importFile(store(), order.id, file(`${names.join("\n")}\nco.uk\n`)),
      (error: unknown) => {
        assert.deepEqual(rejectedLines(error), [[11, "TARGET_PUBLIC_SUFFIX"]]);
        return true;
      },
    );
    assert.deepEqual(await rowCounts(store()), before);
  });

  it("stores the other lines with skipInvalid and reports the refused ones by line", async () => {
    const order = await newOrder(store());
    const path = file(
      "x.example-films.com\n10.1.2.3\ny.example-films.com\nx.example-films.com\nz.example-films.com\n",
    );
    const result = await importFile(store(), order.id, path, { skipInvalid: true });
    assert.equal(result.added, 3);
    assert.deepEqual(
      result.rejected.map((r) => [r.line, r.code]),
      [
        [2, "TARGET_PRIVATE_RANGE"],
        [4, "TARGET_DUPLICATE"],
      ],
    );
    assert.equal(result.rejectedCount, 2);
  });

  it("reads CSV with a header as a stream, keeping physical line numbers", async () => {
    const order = await newOrder(store());
    const path = file(
      '\ufeffTarget,Kind\n"films.example-films.com",domain\n\nco.uk,\nsite.example-films.com,fqdn\n',
    );
    const result = await importFile(store(), order.id, path, { skipInvalid: true });
    assert.deepEqual(
      result.targets.map((t) => [t.kind, t.value]),
      [
        ["domain", "films.example-films.com"],
        ["fqdn", "site.example-films.com"],
      ],
    );
    assert.deepEqual(
      result.rejected.map((r) => r.line),
      [4],
    );
  });

  it("refuses a file with no target line with IMPORT_EMPTY", async () => {
    const order = await newOrder(store());
    await assert.rejects(
      importFile(store(), order.id, file("# nothing yet\n\n")),
      (error: unknown) => error instanceof DecreeError && error.code === "IMPORT_EMPTY",
    );
  });
});
