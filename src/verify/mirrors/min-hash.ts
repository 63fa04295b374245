/**
 * MinHash (Broder, "On the resemblance and containment of documents", 1997): the share of positions where two
 * signatures agree estimates the Jaccard similarity of the two shingle sets, with a standard error of about
 * 1/sqrt(k) (0.09 at k = 128). A signature has a fixed size whatever the page's, so it is what the evidence
 * keeps and compares. The k hash functions are one 32-bit hash of the shingle, then MurmurHash3's finalizer
 * of it XOR a per-position seed: independent enough for the estimate, and cheap.
 */
export const signatureLength = 128;

const seeds = Uint32Array.from({ length: signatureLength }, (_, i) => fmix32(Math.imul(i + 1, 0x9e3779b1)));

export function minHash(shingles: Iterable<string>): number[] {
  const signature = new Uint32Array(signatureLength).fill(0xffffffff);
  let any = false;
  for (const shingle of shingles) {
    any = true;
    const base = fnv1a(shingle);
    for (let i = 0; i < signatureLength; i++) {
      const value = fmix32(base ^ (seeds[i] as number));
      if (value < (signature[i] as number)) signature[i] = value;
    }
  }
  return any ? Array.from(signature) : [];
}

/** The estimated Jaccard similarity of the sets behind two signatures; 0 when either set was empty. */
export function similarityOf(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Overlapping runs of `size` tokens (w-shingling); a shorter list is one shingle. */
export function shinglesOf(tokens: readonly string[], size: number): Set<string> {
  const shingles = new Set<string>();
  if (tokens.length === 0) return shingles;
  if (tokens.length <= size) shingles.add(tokens.join(" "));
  for (let i = 0; i + size <= tokens.length; i++) shingles.add(tokens.slice(i, i + size).join(" "));
  return shingles;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
