import { DecreeError } from "../../errors/decree-error.ts";
import { type NoteVerifier, parseVerifierKey } from "./signed-note.ts";

/** The configured witnesses' verifier keys (`name+hash+base64`, as witnesses publish them). */
export function parseWitnessKeys(keys: readonly string[]): NoteVerifier[] {
  return keys.map((text) => {
    const key = parseVerifierKey(text);
    if (!key) {
      throw new DecreeError(
        "CONFIG_INVALID",
        `logWitnesses: "${text}" is not a verifier key; give it as the witness publishes it, <name>+<hex key hash>+<base64 key>.`,
      );
    }
    return key;
  });
}
