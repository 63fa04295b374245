import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { ErrorCode } from "../errors/error-catalogue.ts";
import type { MessageParams } from "../locale/format-message.ts";
import { normalizeTarget } from "../names/normalize-target.ts";
import { siteOfTarget } from "../names/site-of-target.ts";
import { isTargetKind, type TargetKind, targetKinds } from "../names/target-kind.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { insertChunkRows, insertMany, type RowFiller } from "../store/insert-many.ts";
import { toInstant } from "./instant.ts";
import { measuresForKind, orderGrantsKind } from "./measure-for-kind.ts";
import { type Order, orderState } from "./order.ts";
import { type TargetOrigin, terminalTargetStates } from "./target.ts";

export interface TargetRequest {
  input: string;
  /** One of the target kinds, or absent to infer it; anything else is rejected with TARGET_UNKNOWN_KIND. */
  kind?: string | undefined;
  until?: string | undefined;
  /** Where the request came from, for error reports: a line of a file or a position on the command line. */
  line: number;
}

export interface RejectedTarget {
  line: number;
  input: string;
  code: ErrorCode;
  message: string;
  /** The values the message names, for its text in another language (src/errors/localize-refusal.ts). */
  params?: MessageParams;
}

export interface AddedTarget {
  id: number;
  kind: TargetKind;
  value: string;
  display: string;
  /** What the safeguard checks weigh besides the name (src/checks/record-findings.ts). */
  validUntil: string;
  origin: TargetOrigin;
}

export interface AddTargetsOptions {
  actor: string;
  now: Date;
  origin?: TargetOrigin;
  skipInvalid?: boolean;
  onProgress?: (phase: "check" | "store", done: number, total: number) => void;
}

export interface AddTargetsResult {
  orderId: number;
  added: AddedTarget[];
  rejected: RejectedTarget[];
}

/** A target that passed screening, flat so that a million of them stay cheap to hold. */
export interface Candidate {
  line: number;
  input: string;
  kind: TargetKind;
  value: string;
  display: string;
  validUntil: string;
}

type Refusal = { code: ErrorCode; message: string; params?: MessageParams };

/** Targets already on the order (line 0) or earlier in the batch, by kind then canonical value. */
export type SeenTargets = Map<TargetKind, Map<string, number>>;

const progressEvery = 10_000;

/**
 * Proposes targets under an order, all or nothing: a batch with a rejected target stores none unless
 * `skipInvalid` is set, so a file is never half imported. Run inside the caller's transaction.
 */
export async function addTargets(
  trx: Kysely<Database>,
  order: Order,
  requests: TargetRequest[],
  options: AddTargetsOptions,
): Promise<AddTargetsResult> {
  assertOrderAcceptsTargets(order, options.now);
  if (requests.length === 0) {
    throw new DecreeError(
      "IMPORT_EMPTY",
      "No targets were given: name at least one, one per line in a file.",
    );
  }
  const screened = screen(order, requests, new Map(), options);
  const { candidates, rejected } = await withoutLive(trx, order, screened);
  if (rejected.length > 0 && !options.skipInvalid) throw rejection(rejected, requests.length);
  const added = await insertTargets(trx, order, candidates, options);
  return { orderId: order.id, added, rejected };
}

export function assertOrderAcceptsTargets(order: Order, now: Date): void {
  if (orderState(order, now) === "expired") {
    throw new DecreeError(
      "ORDER_EXPIRED",
      `Order ${order.id} (${order.caseNumber}) ended on ${order.validUntil}; no target can be added under it. ` +
        "Record the new decision that extends it, then add targets under that order.",
    );
  }
}

/** Values per store query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const lookupChunk = 500;

/**
 * Refuses the candidates already live on the order. The store is asked about the batch's own values (the
 * unique index `targets_live_unique` answers), so that adding one target to an order of a million reads one
 * index entry, not the million.
 */
async function withoutLive(
  trx: Kysely<Database>,
  order: Order,
  screened: { candidates: Candidate[]; rejected: RejectedTarget[] },
): Promise<{ candidates: Candidate[]; rejected: RejectedTarget[] }> {
  const { candidates } = screened;
  const live = new Set<string>();
  for (let start = 0; start < candidates.length; start += lookupChunk) {
    const values = candidates.slice(start, start + lookupChunk).map((c) => c.value);
    const rows = await trx
      .selectFrom("targets")
      .select(["kind", "value"])
      .where("order_id", "=", order.id)
      .where("value", "in", values)
      .where("state", "not in", terminalTargetStates)
      .execute();
    for (const row of rows) live.add(`${row.kind} ${row.value}`);
  }
  if (live.size === 0) return screened;
  const kept: Candidate[] = [];
  const rejected = [...screened.rejected];
  for (const c of candidates) {
    if (!live.has(`${c.kind} ${c.value}`)) kept.push(c);
    else {
      rejected.push({
        line: c.line,
        input: c.input,
        code: "TARGET_DUPLICATE",
        message: `${c.value} (${c.kind}) is already on order ${order.id}.`,
        params: { value: c.value, kind: c.kind, orderId: order.id, line: 0 },
      });
    }
  }
  rejected.sort((a, b) => a.line - b.line);
  return { candidates: kept, rejected };
}

export function markSeen(seen: SeenTargets, kind: TargetKind, value: string, line: number): void {
  const values = seen.get(kind) ?? new Map<string, number>();
  values.set(value, line);
  seen.set(kind, values);
}

function screen(order: Order, requests: TargetRequest[], seen: SeenTargets, options: AddTargetsOptions) {
  const candidates: Candidate[] = [];
  const rejected: RejectedTarget[] = [];
  for (let index = 0; index < requests.length; index++) {
    if (index % progressEvery === 0) options.onProgress?.("check", index, requests.length);
    const request = requests[index]!;
    const outcome = screenOne(order, request, seen);
    if ("code" in outcome) rejected.push({ line: request.line, input: request.input, ...outcome });
    else candidates.push(outcome);
  }
  options.onProgress?.("check", requests.length, requests.length);
  return { candidates, rejected };
}

export function screenOne(order: Order, request: TargetRequest, seen: SeenTargets): Candidate | Refusal {
  if (request.kind !== undefined && !isTargetKind(request.kind)) {
    return {
      code: "TARGET_UNKNOWN_KIND",
      message: `"${request.kind}" is not a target kind; use one of ${targetKinds.join(", ")} or leave it empty.`,
      params: { kind: request.kind, kinds: targetKinds.join(", ") },
    };
  }
  const name = normalizeTarget(request.input, request.kind);
  if (!name.ok) {
    return name.params
      ? { code: name.code, message: name.message, params: name.params }
      : { code: name.code, message: name.message };
  }
  if (!orderGrantsKind(order.measures, name.kind)) {
    return {
      code: "ORDER_MEASURE_NOT_GRANTED",
      message:
        `Order ${order.id} orders ${order.measures.join(", ")}; a ${name.kind} target needs ` +
        `${measuresForKind[name.kind].join(" or ")}. Add it under an order that grants that measure.`,
      params: {
        orderId: order.id,
        measures: order.measures.join(", "),
        kind: name.kind,
        needed: measuresForKind[name.kind].join(", "),
      },
    };
  }
  const seenAt = seen.get(name.kind)?.get(name.value);
  if (seenAt !== undefined) {
    const where = seenAt === 0 ? `already on order ${order.id}` : `the same target as line ${seenAt}`;
    return {
      code: "TARGET_DUPLICATE",
      message: `${name.value} (${name.kind}) is ${where}.`,
      params: { value: name.value, kind: name.kind, orderId: order.id, line: seenAt },
    };
  }
  const validUntil = targetUntil(order, request);
  if (typeof validUntil !== "string") return validUntil;
  markSeen(seen, name.kind, name.value, request.line);
  const { kind, value, display } = name;
  return { line: request.line, input: request.input, kind, value, display, validUntil };
}

/** A target never outlives its order: its validity ends at the order's end or earlier (docs/ARCHITECTURE.md, "entry"). */
function targetUntil(order: Order, request: TargetRequest): string | Refusal {
  if (request.until === undefined) return order.validUntil;
  const until = toInstant(request.until);
  if (Number.isNaN(until.getTime())) {
    return {
      code: "TARGET_VALIDITY_BEYOND_ORDER",
      message: `"${request.until}" is not a date such as 2014-12-13.`,
      params: { until: request.until },
    };
  }
  const iso = until.toISOString();
  if (iso > order.validUntil || iso <= order.validFrom) {
    return {
      code: "TARGET_VALIDITY_BEYOND_ORDER",
      message: `until ${iso} is outside order ${order.id}'s validity (${order.validFrom} to ${order.validUntil}); pick a date within it.`,
      params: { until: iso, orderId: order.id, from: order.validFrom, to: order.validUntil },
    };
  }
  return iso;
}

export function rejection(rejected: RejectedTarget[], total: number, count = rejected.length): DecreeError {
  const [only] = rejected;
  if (total === 1 && only) return new DecreeError(only.code, only.message, { rejected }, only.params);
  const shown = rejected
    .slice(0, 5)
    .map((r) => `line ${r.line}: ${r.code}`)
    .join(", ");
  return new DecreeError(
    "TARGETS_REJECTED",
    `${count} of ${total} targets were rejected (${shown}${count > 5 ? ", …" : ""}); nothing was ` +
      "stored. Fix those lines, or pass --skip-invalid to store the others.",
    count > rejected.length ? { rejected, rejectedCount: count } : { rejected },
    { count, total, lines: shown },
  );
}

export const targetColumns = [
  "order_id",
  "kind",
  "value",
  "input",
  "display",
  "state",
  "valid_from",
  "valid_until",
  "origin",
  "created_at",
  "updated_at",
  "site",
] as const;

/** Writes candidate `row` as a proposed target of the order, in the order of `targetColumns`. */
export function targetRowWriter(
  candidates: Candidate[],
  order: Order,
  origin: string,
  at: string,
): RowFiller {
  return (row, out, offset) => {
    const c = candidates[row]!;
    out[offset] = order.id;
    out[offset + 1] = c.kind;
    out[offset + 2] = c.value;
    out[offset + 3] = c.input;
    out[offset + 4] = c.display;
    out[offset + 5] = "proposed";
    out[offset + 6] = order.validFrom;
    out[offset + 7] = c.validUntil;
    out[offset + 8] = origin;
    out[offset + 9] = at;
    out[offset + 10] = at;
    out[offset + 11] = siteOfTarget(c.kind, c.value);
  };
}

async function insertTargets(
  trx: Kysely<Database>,
  order: Order,
  candidates: Candidate[],
  options: AddTargetsOptions,
): Promise<AddedTarget[]> {
  const at = options.now.toISOString();
  const origin = options.origin ?? "order";
  const eventData = JSON.stringify({ orderId: order.id, origin });
  const added: AddedTarget[] = [];
  // Steps of many store chunks, so that progress moves while a large file is written.
  const step = insertChunkRows * 20;
  for (let start = 0; start < candidates.length; start += step) {
    const chunk = candidates.slice(start, start + step);
    const rows = await insertMany(
      trx,
      "targets",
      targetColumns,
      chunk.length,
      targetRowWriter(chunk, order, origin, at),
      ["id", "kind", "value"],
    );
    const ids = idsInChunkOrder(chunk, rows as Array<{ id: number; kind: string; value: string }>);
    await appendEvents(
      trx,
      ids.map((id) => ({
        at,
        actor: options.actor,
        subject_type: "target",
        subject_id: id,
        action: "target.proposed",
        from_state: null,
        to_state: "proposed",
        reason: null,
        data: eventData,
      })),
    );
    chunk.forEach((c, index) => {
      added.push({
        id: ids[index]!,
        kind: c.kind,
        value: c.value,
        display: c.display,
        validUntil: c.validUntil,
        origin,
      });
    });
    options.onProgress?.("store", Math.min(start + step, candidates.length), candidates.length);
  }
  return added;
}

/**
 * RETURNING promises no order (SQLite, PostgreSQL) though both return rows as inserted; that is checked, and
 * only when it does not hold are ids matched by kind and value (unique within a batch).
 */
export function idsInChunkOrder(
  chunk: Candidate[],
  rows: Array<{ id: number; kind: string; value: string }>,
): number[] {
  const inOrder = rows.every((row, i) => row.value === chunk[i]?.value && row.kind === chunk[i]?.kind);
  if (inOrder) return rows.map((row) => Number(row.id));
  const byKey = new Map(rows.map((row) => [`${row.kind} ${row.value}`, Number(row.id)]));
  return chunk.map((c) => byKey.get(`${c.kind} ${c.value}`)!);
}
