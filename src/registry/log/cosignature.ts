import { verify } from "node:crypto";
import { type Checkpoint, checkpointText } from "./checkpoint.ts";
import { ed25519PublicKey, type NoteSignature, type NoteVerifier, signatureType } from "./signed-note.ts";

/**
 * The message a witness signs (C2SP tlog-cosignature, cosignature/v1): a header naming the version and the
 * time, then the checkpoint body; the signature line carries the time as 8 big-endian bytes before the
 * Ed25519 signature, so the verifier can rebuild the message.
 */
export function cosignedMessage(checkpoint: Checkpoint, timestamp: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText(checkpoint)}`);
}

/**
 * Whether `line` is a valid cosignature of `witness` on this checkpoint: a cosignature/v1 (type 0x04) over
 * the header and body, or a plain note signature (type 0x01) over the body, as older witnesses send.
 */
export function cosignatureValid(
  checkpoint: Checkpoint,
  signature: NoteSignature,
  witness: NoteVerifier,
): boolean {
  if (signature.name !== witness.name || !signature.keyHash.equals(witness.keyHash)) return false;
  const key = ed25519PublicKey(witness.publicKey);
  if (witness.type === signatureType.cosignatureV1) {
    if (signature.signature.length !== 72) return false;
    const timestamp = signature.signature.readBigUInt64BE(0);
    return verify(null, cosignedMessage(checkpoint, timestamp), key, signature.signature.subarray(8));
  }
  if (witness.type === signatureType.ed25519) {
    return (
      signature.signature.length === 64 &&
      verify(null, Buffer.from(checkpointText(checkpoint)), key, signature.signature)
    );
  }
  return false;
}
