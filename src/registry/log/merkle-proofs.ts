import { emptyRoot, type Hash, hashChildren, isPowerOfTwo, splitPoint } from "./merkle-hash.ts";

/**
 * The hash of a perfect, aligned subtree: leaves [start, start + 2^height). Where the hashes come from (tiles
 * in the store, or leaves in memory) is the caller's business; proofs only ever ask for such subtrees.
 */
export type SubtreeHash = (start: number, height: number) => Hash;

/** MTH(D[start:end]) (RFC 6962 §2.1) from perfect subtrees: at most log2(n) of them, folded from the right. */
export function rangeHash(subtree: SubtreeHash, start: number, end: number): Hash {
  const size = end - start;
  if (size === 0) return emptyRoot;
  if (isPowerOfTwo(size) && start % size === 0) return subtree(start, Math.log2(size));
  const k = splitPoint(size);
  return hashChildren(subtree(start, Math.log2(k)), rangeHash(subtree, start + k, end));
}

/** The root of the tree of the first `size` leaves. */
export function treeRoot(subtree: SubtreeHash, size: number): Hash {
  return rangeHash(subtree, 0, size);
}

/**
 * PATH(m, D[n]) of RFC 6962 §2.1.1, leaf first: the audit path that proves leaf `index` is in the tree of
 * `size` leaves. Written as a loop over the same recursion, the siblings collected top-down then reversed.
 */
export function inclusionProof(subtree: SubtreeHash, index: number, size: number): Hash[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Hash[] = [];
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      path.push(rangeHash(subtree, start + k, end));
      end = start + k;
    } else {
      path.push(rangeHash(subtree, start, start + k));
      start += k;
      m -= k;
    }
  }
  return path.reverse();
}

/**
 * PROOF(m, D[n]) of RFC 6962 §2.1.2: the consistency proof that the tree of `from` leaves is a prefix of the
 * tree of `to` leaves. SUBPROOF as a loop: `whole` is true while the subtree is still the old tree entire.
 */
export function consistencyProof(subtree: SubtreeHash, from: number, to: number): Hash[] {
  if (!(from >= 0 && from <= to)) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  if (from === 0 || from === to) return [];
  const proof: Hash[] = [];
  let start = 0;
  let end = to;
  let m = from;
  let whole = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push(rangeHash(subtree, start + k, end));
      end = start + k;
    } else {
      proof.push(rangeHash(subtree, start, start + k));
      start += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) proof.push(rangeHash(subtree, start, end));
  return proof.reverse();
}
