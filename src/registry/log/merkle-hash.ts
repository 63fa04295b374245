import { hash } from "node:crypto";

/** A SHA-256 digest: every hash of the log is 32 bytes (RFC 9162 §2.1.1, with SHA-256 as RFC 6962 has it). */
export type Hash = Buffer;

// One-shot hashing (crypto.hash, Node 20.12) over one buffer costs a quarter less than a Hash object fed in
// parts, and the tree hashes about twice per leaf: the inputs are laid out in a scratch buffer first.
const node = Buffer.alloc(65);
node[0] = 0x01;

// UTF-8 takes at most three bytes per UTF-16 code unit, so a string of under a third of this always fits.
const leafScratch = Buffer.alloc(16_384);

/** MTH of a one-leaf tree (RFC 6962 §2.1): SHA-256(0x00 || data), so no leaf can pass for an inner node; a string is its UTF-8. */
export function hashLeaf(data: Uint8Array | string): Hash {
  // A leaf string is written straight after the 0x00 in a scratch buffer: no buffer of its own per leaf.
  if (typeof data === "string" && data.length * 3 < leafScratch.length) {
    const written = leafScratch.write(data, 1);
    return hash("sha256", leafScratch.subarray(0, written + 1), "buffer");
  }
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  const input = Buffer.allocUnsafe(bytes.length + 1);
  input[0] = 0x00;
  input.set(bytes, 1);
  return hash("sha256", input, "buffer");
}

/** An inner node (RFC 6962 §2.1): SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Hash {
  // A proof from outside may carry a hash of another length: hashed as given, so it simply fails to verify.
  if (left.length !== 32 || right.length !== 32)
    return hash("sha256", Buffer.concat([node.subarray(0, 1), left, right]), "buffer");
  node.set(left, 1);
  node.set(right, 33);
  return hash("sha256", node, "buffer");
}

/** The inner node over the two hashes at `offset` in `hashes` (left, then right), copied without a view of each. */
export function hashAdjacentPair(hashes: Buffer, offset: number): Hash {
  hashes.copy(node, 1, offset, offset + 64);
  return hash("sha256", node, "buffer");
}

/** MTH({}) = SHA-256() (RFC 6962 §2.1): the root of the empty log. */
export const emptyRoot: Hash = hash("sha256", Buffer.alloc(0), "buffer");

/** The largest power of two strictly below `n` (n > 1): RFC 6962's split point `k`. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}
