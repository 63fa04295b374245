/*
 * Checks a Merkle inclusion proof in the browser, with WebCrypto's SHA-256, as RFC 9162 §2.1.3.2 (RFC 6962's
 * tree) says: a node's hash is SHA-256(0x01 || left || right), a leaf's SHA-256(0x00 || data). The page never
 * trusts the server's "verified": it recomputes the root from the leaf hash and the path and compares it with
 * the root of the signed checkpoint.
 */

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(1), left, right);
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when the proof's length cannot fit. */
export async function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
): Promise<Uint8Array | null> {
  if (index >= treeSize) return null;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** A C2SP signed note checkpoint: origin, tree size, base64 root hash, then the signatures after a blank line. */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: string;
  signatures: string[];
}

export function parseCheckpoint(text: string): Checkpoint | null {
  const [body = "", signatures = ""] = text.split("\n\n");
  const [origin, size, rootHash] = body.split("\n");
  if (!origin || !size || !rootHash || !/^\d+$/.test(size)) return null;
  return {
    origin,
    size: Number(size),
    rootHash,
    signatures: signatures.split("\n").filter((line) => line.startsWith("—") || line.trim().length > 0),
  };
}
