import type { Hash } from "./merkle-hash.ts";

/**
 * Proofs asked by leaf hash (RFC 6962's get-proof-by-hash) find the leaf through an index on a key of the
 * hash, grouped by block of leaves (0007-log: `(idx / 4096, hash_key)`). A plain index on the hash costs a
 * random B-tree insert per leaf into a tree of every leaf ever sequenced, which tripled the sequencer's time
 * at a million events; grouped by block, each insert lands among at most 4,096 keys, near the last ones, and a
 * lookup seeks once per block (some 2,500 seeks in three queries at ten million leaves, a few milliseconds).
 */
export const hashKeyBlockLeaves = 4096;

/**
 * The key: the hash's first six bytes as a number, exact in a double and in both engines' 64-bit integers, so
 * no BigInt per leaf. Keys may collide; a lookup confirms every candidate against the tiles' full hash.
 */
export function leafHashKey(leafHash: Hash): number {
  return leafHash.readUIntBE(0, 6);
}
