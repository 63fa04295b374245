import { DecreeError } from "../../errors/decree-error.ts";
import {
  type NoteVerifier,
  noteKeyHash,
  parseVerifierKey,
  signatureType,
} from "../../registry/log/signed-note.ts";

/**
 * The registry's key as a user gives it: a C2SP verifier key (`name+hash+base64`), or the raw 32-byte
 * Ed25519 public key in base64 that `decree keys` and `/keys` print, which signs under the log's origin.
 */
export function registryVerifier(key: string, origin: string): NoteVerifier {
  const verifier = parseVerifierKey(key);
  if (verifier) return verifier;
  const raw = Buffer.from(key.trim(), "base64");
  if (raw.length !== 32 || raw.toString("base64") !== key.trim()) {
    throw new DecreeError(
      "VERIFY_INPUT_INVALID",
      "--key is neither a verifier key (name+hash+base64) nor a base64 Ed25519 public key of 32 bytes; " +
        "`decree keys` or GET /keys prints the registry's.",
    );
  }
  return {
    name: origin,
    type: signatureType.ed25519,
    keyHash: noteKeyHash(origin, signatureType.ed25519, raw),
    publicKey: raw,
  };
}
