import { type Kysely, sql } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Database } from "../../store/database.ts";
import { hashKeyBlockLeaves, leafHashKey } from "./leaf-hash-key.ts";
import type { Hash } from "./merkle-hash.ts";
import { consistencyProof, inclusionProof, treeRoot } from "./merkle-proofs.ts";
import { logSize } from "./sequence-events.ts";
import { hashSize, tileWidth } from "./tile-math.ts";
import { readTile, withStoredTree } from "./tile-store.ts";

export interface InclusionAnswer {
  index: number;
  treeSize: number;
  leafHash: Hash;
  rootHash: Hash;
  proof: Hash[];
}

export interface ConsistencyAnswer {
  from: number;
  to: number;
  fromRoot: Hash;
  toRoot: Hash;
  proof: Hash[];
}

async function requireSize(db: Kysely<Database>, size: number): Promise<void> {
  const current = await logSize(db);
  if (!Number.isSafeInteger(size) || size < 0 || size > current) {
    throw new DecreeError(
      "LOG_RANGE_INVALID",
      `The log has ${current} leaves; ask for a tree size from 0 to ${current} (a checkpoint's size).`,
    );
  }
}

/** The root of the tree of the first `size` leaves, as the stored tiles make it. */
export async function rootAt(db: Kysely<Database>, size: number): Promise<Hash> {
  await requireSize(db, size);
  return withStoredTree(db, (subtree) => treeRoot(subtree, size));
}

/** RFC 6962 §2.1.1 audit path for leaf `index` in the tree of `size`, with the leaf hash and the root. */
export async function inclusionAt(
  db: Kysely<Database>,
  index: number,
  size: number,
): Promise<InclusionAnswer> {
  await requireSize(db, size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new DecreeError(
      "LOG_RANGE_INVALID",
      `Leaf ${index} is not in a tree of ${size} leaves; use 0 to ${size - 1}.`,
    );
  }
  return withStoredTree(db, (subtree) => ({
    index,
    treeSize: size,
    leafHash: subtree(index, 0),
    rootHash: treeRoot(subtree, size),
    proof: inclusionProof(subtree, index, size),
  }));
}

/** The index of the first leaf with this hash, as sequenced. */
export async function leafIndexOfHash(db: Kysely<Database>, leafHash: Buffer): Promise<number> {
  const blocks = Math.ceil((await logSize(db)) / hashKeyBlockLeaves);
  // A block per seek, a thousand blocks a query: well under both engines' limits on bound parameters. The
  // block size is written into the SQL as a literal, so that it reads as the index's own expression.
  for (let first = 0; first < blocks; first += 1000) {
    const rows = await db
      .selectFrom("log_leaves")
      .select("idx")
      .where(
        sql<number>`idx / ${sql.lit(hashKeyBlockLeaves)}`,
        "in",
        blockRange(first, Math.min(blocks, first + 1000)),
      )
      .where("hash_key", "=", leafHashKey(leafHash))
      .orderBy("idx")
      .execute();
    for (const { idx } of rows) {
      const index = Number(idx);
      const tile = await readTile(db, 0, Math.floor(index / tileWidth));
      const offset = (index % tileWidth) * hashSize;
      if (tile?.hashes.subarray(offset, offset + hashSize).equals(leafHash)) return index;
    }
  }
  throw new DecreeError(
    "LOG_LEAF_NOT_FOUND",
    "No leaf of the log has this hash; check the base64 of the SHA-256 leaf hash.",
  );
}

function blockRange(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** RFC 6962 §2.1.2 consistency proof between two sizes, with both roots. */
export async function consistencyBetween(
  db: Kysely<Database>,
  from: number,
  to: number,
): Promise<ConsistencyAnswer> {
  await requireSize(db, to);
  if (!Number.isSafeInteger(from) || from < 0 || from > to) {
    throw new DecreeError(
      "LOG_RANGE_INVALID",
      `A consistency proof goes from a smaller size to a larger one: 0 ≤ from ≤ to (${to}).`,
    );
  }
  return withStoredTree(db, (subtree) => ({
    from,
    to,
    fromRoot: treeRoot(subtree, from),
    toRoot: treeRoot(subtree, to),
    proof: consistencyProof(subtree, from, to),
  }));
}
