import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import type { Hash } from "./merkle-hash.ts";
import type { SubtreeHash } from "./merkle-proofs.ts";
import { hashSize, innerHash, subtreeLocation } from "./tile-math.ts";

export interface StoredTile {
  level: number;
  index: number;
  width: number;
  hashes: Buffer;
  /** Rows 1 to 7 above the hashes (tile-math.ts innerRows). */
  inner: Buffer;
}

const tileKey = (level: number, index: number) => `${level}/${index}`;

export async function readTiles(
  db: Kysely<Database>,
  keys: Array<{ level: number; index: number }>,
): Promise<Map<string, StoredTile>> {
  const tiles = new Map<string, StoredTile>();
  const byLevel = new Map<number, number[]>();
  for (const { level, index } of keys) {
    if (!byLevel.has(level)) byLevel.set(level, []);
    byLevel.get(level)!.push(index);
  }
  for (const [level, indexes] of byLevel) {
    const rows = await db
      .selectFrom("log_tiles")
      .select(["level", "idx", "width", "hashes", "inner"])
      .where("level", "=", level)
      .where("idx", "in", [...new Set(indexes)])
      .execute();
    for (const row of rows) {
      const tile = {
        level: Number(row.level),
        index: Number(row.idx),
        width: Number(row.width),
        hashes: Buffer.from(row.hashes),
        inner: Buffer.from(row.inner),
      };
      tiles.set(tileKey(tile.level, tile.index), tile);
    }
  }
  return tiles;
}

export async function readTile(db: Kysely<Database>, level: number, index: number) {
  return (await readTiles(db, [{ level, index }])).get(tileKey(level, index));
}

/**
 * Runs `compute` (a proof, a root) over the tree in the store with one read: a first pass with stand-in
 * hashes records which tiles the computation needs, one query per level fetches them, a second pass computes.
 * A proof at ten million leaves needs some 24 subtrees from a few tiles, each read whole, not hashed up.
 */
export async function withStoredTree<T>(
  db: Kysely<Database>,
  compute: (subtree: SubtreeHash) => T,
): Promise<T> {
  const wanted: Array<{ level: number; index: number }> = [];
  const placeholder = Buffer.alloc(hashSize);
  compute((start, height) => {
    const where = subtreeLocation(start, height);
    wanted.push({ level: where.level, index: where.tile });
    return placeholder;
  });
  const tiles = await readTiles(db, wanted);
  return compute((start, height): Hash => {
    const where = subtreeLocation(start, height);
    const tile = tiles.get(tileKey(where.level, where.tile));
    if (!tile || tile.width < where.offset + where.count) {
      throw new Error(`the log's tile ${where.level}/${where.tile} lacks hashes it should hold`);
    }
    if (where.count === 1)
      return tile.hashes.subarray(where.offset * hashSize, (where.offset + 1) * hashSize);
    const row = Math.log2(where.count);
    return innerHash(tile.inner, tile.width, row, where.offset / where.count);
  });
}
