import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Database } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { checkpointText, parseCheckpointText } from "./checkpoint.ts";
import { cosignatureValid } from "./cosignature.ts";
import { treeRoot } from "./merkle-proofs.ts";
import { logSize } from "./sequence-events.ts";
import {
  type NoteVerifier,
  noteKeyHash,
  parseSignedNote,
  signatureLineFor,
  signatureType,
} from "./signed-note.ts";
import { withStoredTree } from "./tile-store.ts";

/** Who signs checkpoints: the registry's Ed25519 key, under the log's origin as key name. */
export interface CheckpointSigner {
  origin: string;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  sign(data: Uint8Array): Buffer;
}

export interface StoredCheckpoint {
  size: number;
  rootHash: string;
  /** The signed note with the registry's signature and every kept cosignature. */
  note: string;
  releaseId: number | null;
  createdAt: string;
}

/**
 * Signs a checkpoint of the log as it now stands (C2SP tlog-checkpoint in a signed note). A size already
 * signed is not signed again, so a checkpoint's note never changes; a release that adds no leaf shares it.
 */
export async function signCheckpoint(
  db: Kysely<Database>,
  signer: CheckpointSigner,
  options: {
    releaseId?: number | undefined;
    now: Date;
    /** A size the log has already reached (a release's, signed late after a crash); the current size if absent. */
    size?: number | undefined;
  },
): Promise<StoredCheckpoint> {
  return inTransaction(db, async (trx) => {
    const current = await logSize(trx);
    const size = options.size ?? current;
    if (size > current) {
      throw new DecreeError(
        "LOG_RANGE_INVALID",
        `The log has ${current} leaves: a checkpoint of size ${size} cannot be signed before they are sequenced.`,
      );
    }
    const existing = await trx
      .selectFrom("log_checkpoints")
      .selectAll()
      .where("size", "=", size)
      .executeTakeFirst();
    if (!existing) {
      const rootHash = await withStoredTree(trx, (subtree) => treeRoot(subtree, size));
      const text = checkpointText({ origin: signer.origin, size, rootHash });
      const keyHash = noteKeyHash(signer.origin, signatureType.ed25519, signer.publicKey);
      const note = `${text}\n${signatureLineFor(signer.origin, keyHash, signer.sign(Buffer.from(text)))}\n`;
      await trx
        .insertInto("log_checkpoints")
        .values({
          size,
          root_hash: rootHash.toString("base64"),
          note,
          release_id: options.releaseId ?? null,
          created_at: options.now.toISOString(),
        })
        // Two instances finishing the same release's checkpoint sign the same text: either one is kept.
        .onConflict((conflict) => conflict.column("size").doNothing())
        .execute();
    } else if (options.releaseId !== undefined && existing.release_id === null) {
      await trx
        .updateTable("log_checkpoints")
        .set({ release_id: options.releaseId })
        .where("size", "=", size)
        .execute();
    }
    return (await checkpointOfSize(trx, size))!;
  });
}

export async function latestCheckpoint(db: Kysely<Database>): Promise<StoredCheckpoint> {
  const row = await db
    .selectFrom("log_checkpoints")
    .select("size")
    .orderBy("size", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) {
    throw new DecreeError(
      "LOG_CHECKPOINT_MISSING",
      "The log has no checkpoint yet: one is signed with the first release.",
    );
  }
  return (await checkpointOfSize(db, Number(row.size)))!;
}

/** The checkpoint signed for a release, if the release had one. */
export async function checkpointOfRelease(
  db: Kysely<Database>,
  releaseId: number,
): Promise<StoredCheckpoint | undefined> {
  const row = await db
    .selectFrom("log_checkpoints")
    .select("size")
    .where("release_id", "=", releaseId)
    .executeTakeFirst();
  return row ? checkpointOfSize(db, Number(row.size)) : undefined;
}

export async function checkpointOfSize(
  db: Kysely<Database>,
  size: number,
): Promise<StoredCheckpoint | undefined> {
  const row = await db.selectFrom("log_checkpoints").selectAll().where("size", "=", size).executeTakeFirst();
  if (!row) return undefined;
  const cosignatures = await db
    .selectFrom("log_cosignatures")
    .select("line")
    .where("size", "=", size)
    .orderBy("witness")
    .execute();
  const note =
    cosignatures.length === 0 ? row.note : `${row.note}${cosignatures.map((c) => `${c.line}\n`).join("")}`;
  return {
    size: Number(row.size),
    rootHash: row.root_hash,
    note,
    releaseId: row.release_id === null ? null : Number(row.release_id),
    createdAt: row.created_at,
  };
}

/**
 * Keeps a witness's cosignature of a checkpoint the log signed, after checking it against the witnesses'
 * configured keys; a line from an unknown key, or one that does not verify, is refused and nothing kept.
 */
export async function addCosignature(
  db: Kysely<Database>,
  witnesses: NoteVerifier[],
  input: { size: number; line: string },
  now: Date,
): Promise<{ witness: string; size: number }> {
  const stored = await db
    .selectFrom("log_checkpoints")
    .select(["note"])
    .where("size", "=", input.size)
    .executeTakeFirst();
  if (!stored) {
    throw new DecreeError(
      "LOG_RANGE_INVALID",
      `The log signed no checkpoint of size ${input.size}; cosign one /log/checkpoint served.`,
    );
  }
  const note = parseSignedNote(stored.note)!;
  const checkpoint = parseCheckpointText(note.text)!;
  const parsed = parseSignedNote(`${note.text}\n${input.line.trim()}\n`);
  const signature = parsed?.signatures[0];
  const witness =
    signature && witnesses.find((w) => w.name === signature.name && w.keyHash.equals(signature.keyHash));
  if (!signature || !witness || !cosignatureValid(checkpoint, signature, witness)) {
    throw new DecreeError(
      "LOG_COSIGNATURE_INVALID",
      "The line is not a valid cosignature of this checkpoint by a configured witness: send `— <witness name> <base64>` " +
        "signed by a key listed in logWitnesses.",
    );
  }
  await db
    .insertInto("log_cosignatures")
    .values({ size: input.size, witness: witness.name, line: signature.line, received_at: now.toISOString() })
    .onConflict((conflict) => conflict.columns(["size", "witness"]).doUpdateSet({ line: signature.line }))
    .execute();
  return { witness: witness.name, size: input.size };
}
