import { setImmediate as nextTurn } from "node:timers/promises";
import { type Kysely, sql } from "kysely";
import type { Database, Dialect } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { insertMany } from "../../store/insert-many.ts";
import { appendLeafHashes } from "./append-leaf-hashes.ts";
import { readableNow } from "./event-disclosure.ts";
import { eventLeaf, type LoggedEvent, type Pseudonymiser } from "./event-leaf.ts";
import { commitmentLeaf, leafCommitment, newSalt } from "./leaf-commitment.ts";
import { leafHashKey } from "./leaf-hash-key.ts";
import { hashLeaf } from "./merkle-hash.ts";
import { readLoggedEventsAfter } from "./read-logged-events.ts";

export interface SequenceOptions {
  pseudonymise: Pseudonymiser;
  /** Sequence no event past this id (a release's own event, so its checkpoint is exactly its state). */
  upToEventId?: number | undefined;
  /** Events read and hashed per round. */
  batchSize?: number;
}

export interface LogState {
  size: number;
  lastEventId: number;
}

/**
 * Gives the registry events not yet in the log their leaf indices, in event id order, and appends their leaf
 * hashes to the tree. Each batch is one transaction: its leaves, commitments, tiles and the log's state move
 * together, so the log is whole after any batch, and a process killed half-way resumes past the last batch it
 * committed. Between batches the event loop runs (DNS answers, HTTP): a million events written by an import
 * are sequenced in steps of `batchSize`, never in one pause as long as the import itself. Nothing reads the
 * log's state between its own batches but the log's readers, which see a log of the last committed size.
 * An event the public may not read yet enters as a commitment (event-disclosure.ts, leaf-commitment.ts).
 *
 * Why no event is ever skipped: events are written in many places, each in its own transaction, and on
 * PostgreSQL ids come from a sequence, so a transaction that took id 7 may commit after one that took id 8.
 * Reading "ids above the last one sequenced" would then pass 7 by for ever. So each batch first takes a
 * SHARE lock on `events`: it conflicts with the ROW EXCLUSIVE lock every INSERT holds until its transaction
 * ends, so it is granted only once every transaction that has drawn an id so far has committed or rolled
 * back, and it keeps new inserts waiting (briefly) until this batch ends. Every id at or below the highest id
 * then visible is final. On SQLite the first statement is a write, which takes the database's one write lock,
 * and writers are serial anyway. The log_state row lock (UPDATE) serialises sequencers.
 */
export async function sequenceEvents(
  db: Kysely<Database>,
  dialect: Dialect,
  options: SequenceOptions,
): Promise<LogState> {
  const batchSize = options.batchSize ?? 5_000;
  for (;;) {
    const { state, complete } = await inTransaction(db, (trx) =>
      sequenceBatch(trx, dialect, options, batchSize),
    );
    if (complete) return state;
    await nextTurn();
  }
}

/** The next `batchSize` events past the log's state, sequenced; `complete` when none is left to read. */
async function sequenceBatch(
  trx: Kysely<Database>,
  dialect: Dialect,
  options: SequenceOptions,
  batchSize: number,
): Promise<{ state: LogState; complete: boolean }> {
  let state = await lockLogState(trx, dialect);
  const batch = await readLoggedEventsAfter(trx, state.lastEventId, batchSize, options.upToEventId);
  const { events } = batch;
  if (events.length > 0) {
    const committed: Array<{ id: number; salt: Buffer; commitment: Buffer }> = [];
    const hashes = events.map((event) => hashLeaf(leafToLog(event, options.pseudonymise, committed)));
    await insertMany(
      trx,
      "log_commitments",
      ["event_id", "salt", "commitment"],
      committed.length,
      (row, out, at) => {
        const { id, salt, commitment } = committed[row]!;
        out[at] = id;
        out[at + 1] = salt;
        out[at + 2] = commitment;
      },
    );
    const first = state.size;
    await insertMany(trx, "log_leaves", ["idx", "event_id", "hash_key"], events.length, (row, out, at) => {
      out[at] = first + row;
      out[at + 1] = events[row]!.id;
      out[at + 2] = leafHashKey(hashes[row]!);
    });
    state = { size: await appendLeafHashes(trx, state.size, hashes), lastEventId: batch.lastId };
  } else {
    state = { ...state, lastEventId: batch.lastId };
  }
  await trx
    .updateTable("log_state")
    .set({ size: state.size, last_event_id: state.lastEventId })
    .where("id", "=", 1)
    .execute();
  return { state, complete: batch.complete };
}

/**
 * The leaf an event enters the log as: its data in the clear when the public may read it now, else a
 * commitment to that data under a fresh salt, kept (in `committed`) to be revealed when its subject is public.
 */
function leafToLog(
  event: LoggedEvent,
  pseudonymise: Pseudonymiser,
  committed: Array<{ id: number; salt: Buffer; commitment: Buffer }>,
): string {
  const leaf = eventLeaf(event, pseudonymise);
  if (readableNow(event.subjectType, event.action, event.subject ?? {})) return leaf;
  const salt = newSalt();
  const commitment = leafCommitment(salt, leaf);
  committed.push({ id: event.id, salt, commitment });
  return commitmentLeaf(event.id, commitment);
}

async function lockLogState(trx: Kysely<Database>, dialect: Dialect): Promise<LogState> {
  const touched = await trx
    .updateTable("log_state")
    .set({ size: sql`size` })
    .where("id", "=", 1)
    .executeTakeFirst();
  if (touched.numUpdatedRows === 0n) {
    await trx
      .insertInto("log_state")
      .values({ id: 1, size: 0, last_event_id: 0 })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
  }
  if (dialect === "postgres") await sql`lock table events in share mode`.execute(trx);
  const row = await trx
    .selectFrom("log_state")
    .select(["size", "last_event_id"])
    .where("id", "=", 1)
    .executeTakeFirstOrThrow();
  return { size: Number(row.size), lastEventId: Number(row.last_event_id) };
}

/** The log's size as the sequencer last left it. */
export async function logSize(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("log_state").select("size").where("id", "=", 1).executeTakeFirst();
  return Number(row?.size ?? 0);
}
