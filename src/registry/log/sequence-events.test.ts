import assert from "node:assert/strict";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { appendEvents, type NewEvent } from "../../store/append-events.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { appendLeafHashes } from "./append-leaf-hashes.ts";
import { keyedPseudonymiser } from "./event-leaf.ts";
import { hashKeyBlockLeaves } from "./leaf-hash-key.ts";
import { LeafHashTree } from "./leaf-hash-tree.ts";
import { logEntries } from "./log-entries.ts";
import { consistencyBetween, inclusionAt, leafIndexOfHash, rootAt } from "./log-proofs.ts";
import { hashLeaf } from "./merkle-hash.ts";
import { treeRoot } from "./merkle-proofs.ts";
import { sequenceEvents } from "./sequence-events.ts";
import { withStoredTree } from "./tile-store.ts";
import { verifyConsistency, verifyInclusion } from "./verify-proofs.ts";

const pseudonymise = keyedPseudonymiser(Buffer.from("test secret"));

function appealEvents(count: number, from: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    at: "2026-06-01T12:00:00.000Z",
    actor: i % 3 === 0 ? "someone@example.org" : "user:7",
    subject_type: "appeal",
    subject_id: from + i,
    action: "appeal.decided",
    from_state: "open",
    to_state: "upheld",
    reason: `decision ${from + i}`,
    data: { targetId: from + i },
  }));
}

describeEachEngine("sequencing registry events into the log", (store) => {
  it("gives every registry event a leaf in id order, leaves account events out, and proves it from the tiles", async () => {
    const { db, dialect } = store();
    await appendEvents(db, [
      ...appealEvents(150, 0),
      {
        at: "2026-06-01T12:00:00.000Z",
        actor: "user:1",
        subject_type: "user",
        subject_id: 1,
        action: "user.signed-in",
      },
    ]);
    const first = await sequenceEvents(db, dialect, { pseudonymise, batchSize: 37 });
    assert.equal(first.size, 150);
    await appendEvents(db, appealEvents(450, 150));
    const second = await sequenceEvents(db, dialect, { pseudonymise, batchSize: 101 });
    assert.equal(second.size, 600);

    const tree = new LeafHashTree();
    for (let start = 0; start < 600; start += 250) {
      for (const entry of await logEntries(db, start, Math.min(600, start + 250), pseudonymise)) {
        assert.equal(entry.index, tree.size);
        assert.ok(!entry.leaf.includes("someone@example.org"), "no e-mail in a leaf");
        tree.append(entry.leafHash);
      }
    }
    assert.deepEqual(await rootAt(db, 600), tree.root(600));
    assert.deepEqual(await rootAt(db, 150), tree.root(150));
    for (const [index, size] of [
      [0, 1],
      [5, 150],
      [149, 150],
      [255, 600],
      [256, 600],
      [599, 600],
    ] as const) {
      const answer = await inclusionAt(db, index, size);
      assert.ok(
        verifyInclusion(tree.leafHash(index)!, index, size, answer.proof, tree.root(size)),
        `${index}/${size}`,
      );
    }
    const consistency = await consistencyBetween(db, 150, 600);
    assert.ok(verifyConsistency(150, 600, consistency.proof, tree.root(150), tree.root(600)));
    assert.equal(await leafIndexOfHash(db, tree.leafHash(311)!), 311);
  });

  it("keeps the tiles right across levels: 70,000 leaf hashes appended in uneven batches", async () => {
    const { db } = store();
    await db.deleteFrom("log_tiles").execute();
    const tree = new LeafHashTree();
    let size = 0;
    for (const batch of [1, 255, 1000, 65_000, 3744]) {
      const hashes = Array.from({ length: batch }, (_, i) => hashLeaf(Buffer.from(`x${size + i}`)));
      for (const hash of hashes) tree.append(hash);
      size = await inTransaction(db, (trx) => appendLeafHashes(trx, size, hashes));
      assert.deepEqual(await withStoredTree(db, (subtree) => treeRoot(subtree, size)), tree.root(size));
    }
    const tiles = await db.selectFrom("log_tiles").select(["level"]).where("level", "=", 2).execute();
    assert.equal(tiles.length, 1, "65,536 leaves make one hash at level 2");
    await db.deleteFrom("log_tiles").execute();
    await db.deleteFrom("log_leaves").execute();
    await db.deleteFrom("log_state").execute();
  });

  it("finds a leaf by its hash past the first block of leaves, and not a leaf whose hash key alone matches", async () => {
    const { db, dialect } = store();
    // The test before wrote tiles of its own: the log starts again from the first event.
    for (const table of ["log_tiles", "log_leaves", "log_commitments", "log_state"] as const)
      await db.deleteFrom(table).execute();
    await appendEvents(db, appealEvents(9000, 1000));
    const { size } = await sequenceEvents(db, dialect, { pseudonymise });
    const index = size - 500;
    assert.ok(index >= 2 * hashKeyBlockLeaves, `leaf ${index} is in the third block or later`);
    const wanted = (await inclusionAt(db, index, size)).leafHash;
    assert.equal(await leafIndexOfHash(db, wanted), index);
    const key = await db
      .selectFrom("log_leaves")
      .select("hash_key")
      .where("idx", "=", index)
      .executeTakeFirstOrThrow();
    await db.updateTable("log_leaves").set({ hash_key: key.hash_key }).where("idx", "=", 10).execute();
    assert.equal(await leafIndexOfHash(db, wanted), index, "leaf 10 shares the key, not the hash");
    await assert.rejects(leafIndexOfHash(db, hashLeaf("never sequenced")), { code: "LOG_LEAF_NOT_FOUND" });
  });

  it("refuses a proof for a size the log has not reached", async () => {
    await assert.rejects(inclusionAt(store().db, 0, 10_000_000), { code: "LOG_RANGE_INVALID" });
  });
});

describeEachEngine("sequencing while writers are in flight", (store) => {
  it("waits for an event with a lower id that commits after a higher one, and never skips it", async (t) => {
    const { db, dialect } = store();
    if (dialect !== "postgres") return t.skip("SQLite has one writer at a time: ids commit in order");
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted!: () => void;
    const insertedOnce = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const slow = db.transaction().execute(async (trx) => {
      await appendEvents(trx, appealEvents(1, 1000));
      inserted();
      await held;
    });
    await insertedOnce;
    await appendEvents(db, appealEvents(1, 1001));
    const sequencing = sequenceEvents(db, dialect, { pseudonymise });
    await sleep(100);
    release();
    await slow;
    const state = await sequenceEvents(db, dialect, { pseudonymise }).then(() => sequencing);
    const leaves = await db
      .selectFrom("log_leaves")
      .innerJoin("events", "events.id", "log_leaves.event_id")
      .select(["log_leaves.idx", "events.subject_id"])
      .orderBy("idx")
      .execute();
    assert.deepEqual(
      leaves.map((l) => Number(l.subject_id)),
      [1000, 1001],
    );
    assert.equal(state.size, 2);
  });
});
