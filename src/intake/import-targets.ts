import { type Kysely, sql } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { insertMany } from "../store/insert-many.ts";
import {
  type AddedTarget,
  assertOrderAcceptsTargets,
  type Candidate,
  idsInChunkOrder,
  type RejectedTarget,
  rejection,
  type SeenTargets,
  screenOne,
  type TargetRequest,
  targetColumns,
  targetRowWriter,
} from "./add-targets.ts";
import type { Order } from "./order.ts";
import { type TargetOrigin, terminalTargetStates } from "./target.ts";

export interface ImportTargetsOptions {
  actor: string;
  now: Date;
  origin?: TargetOrigin;
  skipInvalid?: boolean;
  /**
   * Called with each batch of targets just stored, in the same transaction, before the next batch is read:
   * where the wiring runs the safeguard checks, which come after intake and cannot be called from here.
   */
  onBatch?: (added: AddedTarget[]) => Promise<void>;
}

export interface ImportTargetsResult {
  orderId: number;
  /** How many targets were stored. */
  added: number;
  /** The first stored targets, at most `keptTargets` of them: a million would not fit in an answer. */
  targets: AddedTarget[];
  /** The refused lines, the first `keptRejections` of them; `rejectedCount` counts them all. */
  rejected: RejectedTarget[];
  rejectedCount: number;
}

export const keptTargets = 1000;
const keptRejections = 10_000;

/**
 * Proposes every target of a stream of batches under an order, all or nothing like addTargets, in the
 * caller's transaction, holding one batch at a time. A target already live on the order or earlier in the
 * stream is found by the store's unique index (`targets_live_unique`) as the batch is stored, not by a set of
 * every name read so far; what memory keeps per stored target is its id and line, 8 bytes, to name the
 * earlier line of a duplicate. Once a line is refused (without `skipInvalid`), the rest is still read and
 * stored, so that every refused line is reported, but no event and no check is written: the caller's
 * transaction rolls it all back with the refusal.
 */
export async function importTargets(
  trx: Kysely<Database>,
  order: Order,
  batches: AsyncIterable<TargetRequest[]>,
  options: ImportTargetsOptions,
): Promise<ImportTargetsResult> {
  assertOrderAcceptsTargets(order, options.now);
  const stored = new StoredLines();
  const rejected: RejectedTarget[] = [];
  const targets: AddedTarget[] = [];
  let rejectedCount = 0;
  let total = 0;
  let added = 0;
  const refuse = (line: RejectedTarget) => {
    rejectedCount++;
    if (rejected.length < keptRejections) rejected.push(line);
  };
  for await (const requests of batches) {
    total += requests.length;
    const seen: SeenTargets = new Map();
    const candidates: Candidate[] = [];
    const refused: RejectedTarget[] = [];
    for (const request of requests) {
      const outcome = screenOne(order, request, seen);
      if ("code" in outcome) refused.push({ line: request.line, input: request.input, ...outcome });
      else candidates.push(outcome);
    }
    const batch = await storeBatch(trx, order, candidates, stored, options);
    refused.push(...batch.duplicates);
    refused.sort((a, b) => a.line - b.line);
    for (const line of refused) refuse(line);
    const failed = rejectedCount > 0 && !options.skipInvalid;
    if (failed) continue;
    await appendProposedEvents(trx, order, batch.added, options);
    await options.onBatch?.(batch.added);
    added += batch.added.length;
    for (const target of batch.added) if (targets.length < keptTargets + 1) targets.push(target);
  }
  if (total === 0) {
    throw new DecreeError(
      "IMPORT_EMPTY",
      "No targets were given: name at least one, one per line in a file.",
    );
  }
  if (rejectedCount > 0 && !options.skipInvalid) throw rejection(rejected, total, rejectedCount);
  return { orderId: order.id, added, targets, rejected, rejectedCount };
}

/** The id and line of every target stored by this import, in the order stored (ids only grow). */
class StoredLines {
  private base = -1;
  private offsets: Int32Array<ArrayBuffer> = new Int32Array(1 << 16);
  private lines: Int32Array<ArrayBuffer> = new Int32Array(1 << 16);
  private size = 0;

  /** Ids come from one sequence in one transaction, so they grow; found by halving unless they did not. */
  private ascending = true;

  add(id: number, line: number): void {
    if (this.base < 0) this.base = id;
    if (this.size > 0 && id - this.base <= this.offsets[this.size - 1]!) this.ascending = false;
    if (this.size === this.offsets.length) {
      this.offsets = grow(this.offsets);
      this.lines = grow(this.lines);
    }
    this.offsets[this.size] = id - this.base;
    this.lines[this.size] = line;
    this.size++;
  }

  /** The line of a target this import stored, or undefined when the target was there before. */
  lineOf(id: number): number | undefined {
    if (this.base < 0 || id < this.base) return undefined;
    const offset = id - this.base;
    if (!this.ascending) {
      const at = this.offsets.subarray(0, this.size).indexOf(offset);
      return at < 0 ? undefined : this.lines[at];
    }
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.offsets[middle]!;
      if (value === offset) return this.lines[middle];
      if (value < offset) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

async function storeBatch(
  trx: Kysely<Database>,
  order: Order,
  candidates: Candidate[],
  stored: StoredLines,
  options: ImportTargetsOptions,
): Promise<{ added: AddedTarget[]; duplicates: RejectedTarget[] }> {
  if (candidates.length === 0) return { added: [], duplicates: [] };
  const at = options.now.toISOString();
  const origin = options.origin ?? "order";
  const insert = (skipConflicts: boolean) =>
    insertMany(
      trx,
      "targets",
      targetColumns,
      candidates.length,
      targetRowWriter(candidates, order, origin, at),
      ["id", "kind", "value"],
      { skipConflicts },
    ) as Promise<Array<{ id: number; kind: string; value: string }>>;
  const rows = await withoutConflicts(trx, insert);
  const kept = rows.length === candidates.length ? candidates : candidatesStored(candidates, rows);
  const ids = idsInChunkOrder(kept, rows);
  const added = kept.map((c, index) => {
    const id = ids[index]!;
    stored.add(id, c.line);
    return { id, kind: c.kind, value: c.value, display: c.display, validUntil: c.validUntil, origin };
  });
  const duplicates = kept === candidates ? [] : await duplicateLines(trx, order, candidates, rows, stored);
  return { added, duplicates };
}

/**
 * Duplicates are rare, and PostgreSQL's `on conflict` costs every row a speculative insertion: the batch is
 * stored plainly under a savepoint, and stored again skipping conflicts only when the unique index refused it.
 */
async function withoutConflicts<T>(
  trx: Kysely<Database>,
  insert: (skipConflicts: boolean) => Promise<T>,
): Promise<T> {
  await sql`savepoint import_batch`.execute(trx);
  try {
    const rows = await insert(false);
    await sql`release savepoint import_batch`.execute(trx);
    return rows;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await sql`rollback to savepoint import_batch`.execute(trx);
    await sql`release savepoint import_batch`.execute(trx);
    return insert(true);
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

const keyOf = (target: { kind: string; value: string }) => `${target.kind} ${target.value}`;

function candidatesStored(
  candidates: Candidate[],
  rows: Array<{ kind: string; value: string }>,
): Candidate[] {
  const keys = new Set(rows.map(keyOf));
  return candidates.filter((c) => keys.has(keyOf(c)));
}

/** The candidates the unique index turned away: each is live already, on an earlier line or on the order. */
async function duplicateLines(
  trx: Kysely<Database>,
  order: Order,
  candidates: Candidate[],
  rows: Array<{ kind: string; value: string }>,
  stored: StoredLines,
): Promise<RejectedTarget[]> {
  const keys = new Set(rows.map(keyOf));
  const turnedAway = candidates.filter((c) => !keys.has(keyOf(c)));
  const live = new Map<string, number>();
  for (let start = 0; start < turnedAway.length; start += 500) {
    const values = turnedAway.slice(start, start + 500).map((c) => c.value);
    const found = await trx
      .selectFrom("targets")
      .select(["id", "kind", "value"])
      .where("order_id", "=", order.id)
      .where("value", "in", values)
      .where("state", "not in", terminalTargetStates)
      .execute();
    for (const row of found) live.set(keyOf(row), Number(row.id));
  }
  return turnedAway.map((c) => {
    const id = live.get(keyOf(c));
    const line = id === undefined ? undefined : stored.lineOf(id);
    const where = line === undefined ? `already on order ${order.id}` : `the same target as line ${line}`;
    return {
      line: c.line,
      input: c.input,
      code: "TARGET_DUPLICATE",
      message: `${c.value} (${c.kind}) is ${where}.`,
    };
  });
}

async function appendProposedEvents(
  trx: Kysely<Database>,
  order: Order,
  added: AddedTarget[],
  options: ImportTargetsOptions,
): Promise<void> {
  const at = options.now.toISOString();
  const data = JSON.stringify({ orderId: order.id, origin: options.origin ?? "order" });
  await appendEvents(
    trx,
    added.map((target) => ({
      at,
      actor: options.actor,
      subject_type: "target",
      subject_id: target.id,
      action: "target.proposed",
      from_state: null,
      to_state: "proposed",
      reason: null,
      data,
    })),
  );
}
