import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { ErrorCode } from "../errors/error-catalogue.ts";
import { type NameAccepted, normalizeTarget } from "../names/normalize-target.ts";
import { isTargetKind, type TargetKind, targetKinds } from "../names/target-kind.ts";
import { appendEvents, insertChunkRows } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
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
}

export interface AddedTarget {
  id: number;
  kind: TargetKind;
  value: string;
  display: string;
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

interface Candidate {
  request: TargetRequest;
  name: NameAccepted;
  validUntil: string;
}

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
  const live = await liveTargetKeys(trx, order.id);
  const { candidates, rejected } = screen(order, requests, live, options);
  if (rejected.length > 0 && !options.skipInvalid) throw rejection(rejected, requests.length);
  const added = await insertTargets(trx, order, candidates, options);
  return { orderId: order.id, added, rejected };
}

function assertOrderAcceptsTargets(order: Order, now: Date): void {
  if (orderState(order, now) === "expired") {
    throw new DecreeError(
      "ORDER_EXPIRED",
      `Order ${order.id} (${order.caseNumber}) ended on ${order.validUntil}; no target can be added under it. ` +
        "Record the new decision that extends it, then add targets under that order.",
    );
  }
}

async function liveTargetKeys(trx: Kysely<Database>, orderId: number): Promise<Set<string>> {
  const rows = await trx
    .selectFrom("targets")
    .select(["kind", "value"])
    .where("order_id", "=", orderId)
    .where("state", "not in", terminalTargetStates)
    .execute();
  return new Set(rows.map((row) => `${row.kind} ${row.value}`));
}

function screen(order: Order, requests: TargetRequest[], live: Set<string>, options: AddTargetsOptions) {
  const candidates: Candidate[] = [];
  const rejected: RejectedTarget[] = [];
  const firstLine = new Map<string, number>();
  requests.forEach((request, index) => {
    if (index % progressEvery === 0) options.onProgress?.("check", index, requests.length);
    const outcome = screenOne(order, request, live, firstLine);
    if ("code" in outcome) rejected.push({ line: request.line, input: request.input, ...outcome });
    else candidates.push(outcome);
  });
  options.onProgress?.("check", requests.length, requests.length);
  return { candidates, rejected };
}

function screenOne(
  order: Order,
  request: TargetRequest,
  live: Set<string>,
  firstLine: Map<string, number>,
): Candidate | { code: ErrorCode; message: string } {
  if (request.kind !== undefined && !isTargetKind(request.kind)) {
    return {
      code: "TARGET_UNKNOWN_KIND",
      message: `"${request.kind}" is not a target kind; use one of ${targetKinds.join(", ")} or leave it empty.`,
    };
  }
  const name = normalizeTarget(request.input, request.kind);
  if (!name.ok) return { code: name.code, message: name.message };
  if (!orderGrantsKind(order.measures, name.kind)) {
    return {
      code: "ORDER_MEASURE_NOT_GRANTED",
      message:
        `Order ${order.id} orders ${order.measures.join(", ")}; a ${name.kind} target needs ` +
        `${measuresForKind[name.kind].join(" or ")}. Add it under an order that grants that measure.`,
    };
  }
  const key = `${name.kind} ${name.value}`;
  if (live.has(key)) {
    return {
      code: "TARGET_DUPLICATE",
      message: `${name.value} (${name.kind}) is already on order ${order.id}.`,
    };
  }
  const seenAt = firstLine.get(key);
  if (seenAt !== undefined) {
    return {
      code: "TARGET_DUPLICATE",
      message: `${name.value} (${name.kind}) is the same target as line ${seenAt}.`,
    };
  }
  const validUntil = targetUntil(order, request);
  if (typeof validUntil !== "string") return validUntil;
  firstLine.set(key, request.line);
  return { request, name, validUntil };
}

/** A target never outlives its order: its validity ends at the order's end or earlier (DESIGN.md, "entry"). */
function targetUntil(order: Order, request: TargetRequest): string | { code: ErrorCode; message: string } {
  if (request.until === undefined) return order.validUntil;
  const until = toInstant(request.until);
  if (Number.isNaN(until.getTime())) {
    return {
      code: "TARGET_VALIDITY_BEYOND_ORDER",
      message: `"${request.until}" is not a date such as 2014-12-13.`,
    };
  }
  const iso = until.toISOString();
  if (iso > order.validUntil || iso <= order.validFrom) {
    return {
      code: "TARGET_VALIDITY_BEYOND_ORDER",
      message: `until ${iso} is outside order ${order.id}'s validity (${order.validFrom} to ${order.validUntil}); pick a date within it.`,
    };
  }
  return iso;
}

function rejection(rejected: RejectedTarget[], total: number): DecreeError {
  const [only] = rejected;
  if (total === 1 && only) return new DecreeError(only.code, only.message, { rejected });
  const shown = rejected
    .slice(0, 5)
    .map((r) => `line ${r.line}: ${r.code}`)
    .join(", ");
  return new DecreeError(
    "TARGETS_REJECTED",
    `${rejected.length} of ${total} targets were rejected (${shown}${rejected.length > 5 ? ", …" : ""}); nothing was ` +
      "stored. Fix those lines, or pass --skip-invalid to store the others.",
    { rejected },
  );
}

async function insertTargets(
  trx: Kysely<Database>,
  order: Order,
  candidates: Candidate[],
  options: AddTargetsOptions,
): Promise<AddedTarget[]> {
  const at = options.now.toISOString();
  const origin = options.origin ?? "order";
  const added: AddedTarget[] = [];
  for (let start = 0; start < candidates.length; start += insertChunkRows) {
    const chunk = candidates.slice(start, start + insertChunkRows);
    const rows = await trx
      .insertInto("targets")
      .values(
        chunk.map(({ request, name, validUntil }) => ({
          order_id: order.id,
          kind: name.kind,
          value: name.value,
          input: request.input,
          display: name.display,
          state: "proposed",
          valid_from: order.validFrom,
          valid_until: validUntil,
          origin,
          created_at: at,
          updated_at: at,
        })),
      )
      .returning(["id", "kind", "value", "display"])
      .execute();
    for (const row of rows) added.push({ ...row, kind: row.kind as TargetKind });
    await appendEvents(
      trx,
      rows.map((row) => ({
        at,
        actor: options.actor,
        subject_type: "target",
        subject_id: row.id,
        action: "target.proposed",
        from_state: null,
        to_state: "proposed",
        reason: null,
        data: { orderId: order.id, kind: row.kind, value: row.value, origin },
      })),
    );
    options.onProgress?.("store", Math.min(start + insertChunkRows, candidates.length), candidates.length);
  }
  return added;
}
