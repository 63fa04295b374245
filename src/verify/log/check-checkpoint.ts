import { type Checkpoint, parseCheckpointText } from "../../registry/log/checkpoint.ts";
import { noteSignedBy, parseSignedNote } from "../../registry/log/signed-note.ts";
import { registryVerifier } from "./checkpoint-key.ts";
import type { Problem } from "./verification-report.ts";

export interface CheckedCheckpoint {
  checkpoint: Checkpoint | undefined;
  /** Names on signature lines other than the registry's: witnesses' cosignatures, as served. */
  cosigners: string[];
  problems: Problem[];
}

/** Parses a signed checkpoint and checks the registry's signature on it (C2SP signed-note, Ed25519). */
export function checkCheckpoint(note: string, key: string): CheckedCheckpoint {
  const signed = parseSignedNote(note);
  const checkpoint = signed && parseCheckpointText(signed.text);
  if (!signed || !checkpoint) {
    return {
      checkpoint: undefined,
      cosigners: [],
      problems: [
        { kind: "signature", message: "The checkpoint is not a C2SP signed checkpoint.", evidence: { note } },
      ],
    };
  }
  const verifier = registryVerifier(key, checkpoint.origin);
  const problems: Problem[] = noteSignedBy(signed, verifier)
    ? []
    : [
        {
          kind: "signature",
          message: `No valid signature of the registry's key (${verifier.name}, key hash ${verifier.keyHash.toString("hex")}) on the checkpoint.`,
          evidence: { note },
        },
      ];
  const cosigners = signed.signatures.filter((s) => !s.keyHash.equals(verifier.keyHash)).map((s) => s.name);
  return { checkpoint, cosigners, problems };
}
