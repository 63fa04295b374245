import type { Kysely } from "kysely";
import {
  type CheckpointSigner,
  type StoredCheckpoint,
  signCheckpoint,
} from "../registry/log/log-checkpoints.ts";
import { logPseudonymiser } from "../registry/log/log-pseudonyms.ts";
import { sequenceEvents } from "../registry/log/sequence-events.ts";
import type { Database, Dialect } from "../store/database.ts";
import { registrySigningKey } from "./signing-key.ts";

/** The log's origin when the registry has no public URL: a name, as C2SP tlog-checkpoint asks, not an address. */
export const defaultLogOrigin = "decree.registry/log";

export interface PublishCheckpointOptions {
  origin: string;
  /** Sequence no further than this event (the release's own), so the checkpoint is the release's state exactly. */
  upToEventId?: number | undefined;
  releaseId?: number | undefined;
  now: Date;
}

/**
 * After a release: gives every registry event up to the release its leaf, then signs the checkpoint of the
 * log at that size with the registry's key, so that the release's feeds can name it.
 */
export async function publishCheckpoint(
  db: Kysely<Database>,
  dialect: Dialect,
  options: PublishCheckpointOptions,
): Promise<StoredCheckpoint> {
  const key = await registrySigningKey(db, options.now);
  await sequenceEvents(db, dialect, {
    pseudonymise: await logPseudonymiser(db),
    upToEventId: options.upToEventId,
  });
  const signer: CheckpointSigner = {
    origin: options.origin,
    publicKey: Buffer.from(key.publicKey, "base64"),
    sign: (data) => key.sign(data),
  };
  return signCheckpoint(db, signer, { releaseId: options.releaseId, now: options.now });
}
