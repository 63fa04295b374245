import type { Kysely } from "kysely";
import {
  type CheckpointSigner,
  type StoredCheckpoint,
  signCheckpoint,
} from "../registry/log/log-checkpoints.ts";
import { logPseudonymiser } from "../registry/log/log-pseudonyms.ts";
import { logSize, sequenceEvents } from "../registry/log/sequence-events.ts";
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

/**
 * Finishes what a crash between a release's commit and its checkpoint left half done: a release and its
 * checkpoint are two transactions, so a process killed in between leaves a release whose feeds name no
 * checkpoint, and `decree verify feed` cannot check them. Each such release, oldest first, gets its events
 * sequenced up to its own `release.published` event and a checkpoint of exactly that size, even when the log
 * has grown past it since (the tree's root at any size it has reached is in its tiles).
 *
 * Only the releases after the newest one with a checkpoint are looked at: every build runs this once its
 * release is announced, signing oldest first, so no older release can lack one (but those older than the log
 * itself, which have no event to end one with), and the work is bounded by what changed, at start-up as after
 * each build. Returns the releases finished.
 */
export async function finishReleaseCheckpoints(
  db: Kysely<Database>,
  dialect: Dialect,
  options: { origin: string; now: Date },
): Promise<number[]> {
  const newest = await db
    .selectFrom("log_checkpoints")
    .select((eb) => eb.fn.max("release_id").as("id"))
    .executeTakeFirst();
  const missing = await db
    .selectFrom("releases")
    .select("id")
    .where("id", ">", Number(newest?.id ?? 0))
    .orderBy("id")
    .execute();
  const finished: number[] = [];
  for (const { id } of missing) {
    const releaseId = Number(id);
    const event = await db
      .selectFrom("events")
      .select("id")
      .where("subject_type", "=", "release")
      .where("subject_id", "=", releaseId)
      .where("action", "=", "release.published")
      .executeTakeFirst();
    // A release older than the log itself has no event to end a checkpoint with.
    if (!event) continue;
    const key = await registrySigningKey(db, options.now);
    if ((await leafOfEvent(db, Number(event.id))) === undefined) {
      await sequenceEvents(db, dialect, {
        pseudonymise: await logPseudonymiser(db),
        upToEventId: Number(event.id),
      });
    }
    const index = await leafOfEvent(db, Number(event.id));
    if (index === undefined || index >= (await logSize(db))) continue;
    await signCheckpoint(
      db,
      { origin: options.origin, publicKey: Buffer.from(key.publicKey, "base64"), sign: (d) => key.sign(d) },
      { releaseId, now: options.now, size: index + 1 },
    );
    finished.push(releaseId);
  }
  return finished;
}

async function leafOfEvent(db: Kysely<Database>, eventId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom("log_leaves")
    .select("idx")
    .where("event_id", "=", eventId)
    .executeTakeFirst();
  return row ? Number(row.idx) : undefined;
}
