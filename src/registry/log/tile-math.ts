import { type Hash, hashAdjacentPair } from "./merkle-hash.ts";

/** C2SP tlog-tiles: tiles are 8 levels high, so 256 hashes wide; level L+1 holds the roots of level L's full tiles. */
export const tileHeight = 8;
export const tileWidth = 256;
export const hashSize = 32;

/**
 * The rows above a tile's hashes, 1 to 7 (row 8 is one hash of the level above), as one buffer: row r holds
 * floor(width / 2^r) hashes. Kept beside the tile, so that a proof reads every node it needs instead of
 * hashing up to 127 of a tile's hashes for one sibling: a proof at ten million leaves then costs a few
 * dozen hashes, not a thousand.
 */
export function innerRows(bottom: Buffer, width: number): Buffer {
  let total = 0;
  for (let row = 1, count = width; row < tileHeight; row++) total += count = Math.floor(count / 2);
  // Every row is written into the one buffer returned, each from the row before it.
  const inner = Buffer.alloc(total * hashSize);
  let below = bottom;
  let belowStart = 0;
  let at = 0;
  for (let row = 1, count = width; row < tileHeight; row++) {
    count = Math.floor(count / 2);
    const rowStart = at;
    for (let i = 0; i < count; i++, at += hashSize) {
      hashAdjacentPair(below, belowStart + 2 * i * hashSize).copy(inner, at);
    }
    below = inner;
    belowStart = rowStart;
  }
  return inner;
}

/** Hash `index` of row `row` (1..7) of a tile of `width`, from its inner rows. */
export function innerHash(inner: Buffer, width: number, row: number, index: number): Hash {
  let start = 0;
  for (let r = 1; r < row; r++) start += Math.floor(width / 2 ** r);
  const at = (start + index) * hashSize;
  return inner.subarray(at, at + hashSize);
}

/** Where the perfect subtree [start, start + 2^height) lives: the tile and the run of hashes to fold. */
export function subtreeLocation(start: number, height: number) {
  const level = Math.floor(height / tileHeight);
  const count = 2 ** (height % tileHeight);
  const position = start / 2 ** (level * tileHeight);
  return { level, tile: Math.floor(position / tileWidth), offset: position % tileWidth, count };
}

/** How many hashes level `level` holds in a tree of `size` leaves: one per complete subtree of 256^level. */
export function levelCount(size: number, level: number): number {
  return Math.floor(size / tileWidth ** level);
}

/**
 * A tile's index as a C2SP tlog-tiles path: groups of three digits, every group but the last prefixed `x`
 * (1234067 → x001/x234/067), so that no directory holds more than a thousand entries.
 */
export function tileIndexPath(index: number): string {
  const digits = String(index);
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, "0");
  const groups = padded.match(/.{3}/g)!;
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join("/");
}

/** The index a tile path names, or undefined when the path is not one tlog-tiles writes. */
export function parseTileIndexPath(path: string): number | undefined {
  const groups = path.split("/");
  if (groups.length === 0) return undefined;
  let digits = "";
  for (const [i, group] of groups.entries()) {
    const last = i === groups.length - 1;
    if (!(last ? /^\d{3}$/ : /^x\d{3}$/).test(group)) return undefined;
    digits += last ? group : group.slice(1);
  }
  const index = Number(digits);
  // Leading zero groups are not canonical (x000/001 is 001): one index, one path.
  if (tileIndexPath(index) !== path || !Number.isSafeInteger(index)) return undefined;
  return index;
}
