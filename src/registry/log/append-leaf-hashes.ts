import { CompiledQuery, type Kysely, sql } from "kysely";
import type { Database } from "../../store/database.ts";
import { type Hash, hashChildren } from "./merkle-hash.ts";
import { hashSize, innerHash, innerRows, levelCount, tileHeight, tileWidth } from "./tile-math.ts";
import { readTiles } from "./tile-store.ts";

interface EdgeTile {
  index: number;
  width: number;
  hashes: Buffer;
  dirty: boolean;
  /** Rows 1 to 7, when already computed (a full tile's, on the way to its root). */
  inner?: Buffer;
}

/**
 * Appends leaf hashes to the tree of `size` leaves held as tiles: only the right edge (one partial tile per
 * level) is read, hashes are added in memory, a full tile's root climbs to the next level, and every tile
 * touched is written once. A tile costs one hash per leaf besides the leaf's own, so appends run at the speed
 * of SHA-256 and of the store's bulk writes.
 */
export async function appendLeafHashes(
  trx: Kysely<Database>,
  size: number,
  leafHashes: Hash[],
): Promise<number> {
  if (leafHashes.length === 0) return size;
  const edges = await readEdge(trx, size);
  const full: Array<{ level: number; tile: EdgeTile }> = [];
  const push = (level: number, hash: Hash) => {
    const edge = edges[level] ?? {
      index: 0,
      width: 0,
      hashes: Buffer.alloc(tileWidth * hashSize),
      dirty: false,
    };
    edges[level] = edge;
    hash.copy(edge.hashes, edge.width * hashSize);
    edge.width += 1;
    edge.dirty = true;
    if (edge.width === tileWidth) {
      const inner = innerRows(edge.hashes, tileWidth);
      full.push({ level, tile: { ...edge, hashes: Buffer.from(edge.hashes), inner } });
      const top = innerHash(inner, tileWidth, tileHeight - 1, 0);
      const root = hashChildren(top, innerHash(inner, tileWidth, tileHeight - 1, 1));
      edges[level] = {
        index: edge.index + 1,
        width: 0,
        hashes: Buffer.alloc(tileWidth * hashSize),
        dirty: false,
      };
      push(level + 1, root);
    }
  };
  for (const hash of leafHashes) push(0, hash);
  const writes = [...full, ...edges.flatMap((tile, level) => (tile?.dirty ? [{ level, tile }] : []))];
  // One statement compiled, run once per tile with its values (the only parameters, in column order).
  const upsert = tileUpsert(trx).compile();
  for (const { level, tile } of writes) {
    const hashes = tile.hashes.subarray(0, tile.width * hashSize);
    const inner = tile.inner ?? innerRows(hashes, tile.width);
    await trx.executeQuery(CompiledQuery.raw(upsert.sql, [level, tile.index, tile.width, hashes, inner]));
  }
  return size + leafHashes.length;
}

/** The partial tile at the right edge of each level, as the log of `size` leaves left it. */
async function readEdge(trx: Kysely<Database>, size: number): Promise<Array<EdgeTile | undefined>> {
  const keys: Array<{ level: number; index: number; width: number }> = [];
  for (let level = 0; levelCount(size, level) > 0; level++) {
    const count = levelCount(size, level);
    keys.push({ level, index: Math.floor(count / tileWidth), width: count % tileWidth });
  }
  const stored = await readTiles(
    trx,
    keys.filter((key) => key.width > 0),
  );
  return keys.map(({ level, index, width }) => {
    const hashes = Buffer.alloc(tileWidth * hashSize);
    if (width > 0) {
      const tile = stored.get(`${level}/${index}`);
      if (!tile || tile.width < width)
        throw new Error(`the log's tile ${level}/${index} is missing or short`);
      tile.hashes.copy(hashes, 0, 0, width * hashSize);
    }
    return { index, width, hashes, dirty: false };
  });
}

function tileUpsert(trx: Kysely<Database>) {
  const placeholder = Buffer.alloc(0);
  return trx
    .insertInto("log_tiles")
    .values({ level: 0, idx: 0, width: 0, hashes: placeholder, inner: placeholder })
    .onConflict((conflict) =>
      conflict.columns(["level", "idx"]).doUpdateSet({
        width: sql`excluded.width`,
        hashes: sql`excluded.hashes`,
        inner: sql`excluded.inner`,
      }),
    );
}
