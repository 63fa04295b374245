import { createHash, randomBytes } from "node:crypto";

export const saltSize = 32;

/**
 * The commitment to a leaf's data: SHA-256(salt || data), the salt 32 random bytes of its own, so that nobody
 * can test a guess ("is example.org proposed?") against it, and the registry cannot later reveal other data
 * for it. The salt's fixed size keeps the concatenation unambiguous.
 */
export function leafCommitment(salt: Uint8Array, data: string): Buffer {
  return createHash("sha256").update(salt).update(data).digest();
}

export function newSalt(): Buffer {
  return randomBytes(saltSize);
}

/**
 * The leaf of a committed event, canonical JSON (RFC 8785: keys in code-unit order): the event's id, so that
 * its reveal can be matched to it, and the commitment; nothing of what the event says. `v` 2 tells it from
 * a leaf in the clear (`v` 1).
 */
export function commitmentLeaf(eventId: number, commitment: Buffer): string {
  return `{"commitment":${JSON.stringify(commitment.toString("base64"))},"event":${eventId},"v":2}`;
}
