import { createHash, createPublicKey, type KeyObject, verify } from "node:crypto";

/**
 * C2SP signed-note: a text ending in a newline, a blank line, then one line per signature,
 * `— <key name> <base64(4-byte key hash || signature)>`. The key hash ties a line to one key without trying all.
 */
export interface SignedNote {
  text: string;
  signatures: NoteSignature[];
}

export interface NoteSignature {
  name: string;
  keyHash: Buffer;
  signature: Buffer;
  line: string;
}

/** Signature types of C2SP signed-note: 0x01 Ed25519 over the note, 0x04 a tlog-cosignature/v1. */
export const signatureType = { ed25519: 0x01, cosignatureV1: 0x04 } as const;

const signatureLine = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/;

/** The 4-byte key hash: SHA-256(name || 0x0A || type || public key)[:4]. */
export function noteKeyHash(name: string, type: number, publicKey: Uint8Array): Buffer {
  return createHash("sha256")
    .update(name)
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The verifier key as Go's note package and C2SP tools write it: `<name>+<hex key hash>+<base64(type || key)>`. */
export function verifierKey(name: string, type: number, publicKey: Uint8Array): string {
  const hash = noteKeyHash(name, type, publicKey).toString("hex");
  return `${name}+${hash}+${Buffer.concat([Buffer.from([type]), publicKey]).toString("base64")}`;
}

export interface NoteVerifier {
  name: string;
  type: number;
  keyHash: Buffer;
  publicKey: Buffer;
}

/** Parses a verifier key (`name+hash+base64`); undefined when it is not one or its hash does not match. */
export function parseVerifierKey(text: string): NoteVerifier | undefined {
  // The key's base64 may itself hold "+": only the first two separate fields.
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(text.trim());
  if (!match) return undefined;
  const [, name, hash, key] = match as unknown as [string, string, string, string];
  const raw = Buffer.from(key, "base64");
  if (!name || raw.length !== 33 || !/^[0-9a-f]{8}$/.test(hash)) return undefined;
  const type = raw[0]!;
  const publicKey = raw.subarray(1);
  const keyHash = noteKeyHash(name, type, publicKey);
  if (keyHash.toString("hex") !== hash) return undefined;
  return { name, type, keyHash, publicKey };
}

export function signatureLineFor(name: string, keyHash: Buffer, signature: Uint8Array): string {
  return `\u2014 ${name} ${Buffer.concat([keyHash, signature]).toString("base64")}`;
}

/** Splits a signed note; undefined when it is not one (no blank line, a malformed signature line). */
export function parseSignedNote(note: string): SignedNote | undefined {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) return undefined;
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const match = signatureLine.exec(line);
    if (!match) return undefined;
    const raw = Buffer.from(match[2]!, "base64");
    if (raw.length < 5) return undefined;
    signatures.push({ name: match[1]!, keyHash: raw.subarray(0, 4), signature: raw.subarray(4), line });
  }
  return signatures.length > 0 ? { text, signatures } : undefined;
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") },
    format: "jwk",
  });
}

/** Whether some signature line of the note is the key's, over the note's text (type 0x01). */
export function noteSignedBy(note: SignedNote, key: NoteVerifier): boolean {
  return note.signatures.some(
    (sig) =>
      sig.name === key.name &&
      sig.keyHash.equals(key.keyHash) &&
      sig.signature.length === 64 &&
      verify(null, Buffer.from(note.text), ed25519PublicKey(key.publicKey), sig.signature),
  );
}
