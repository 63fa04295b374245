import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { type BlockingWindow, windowFromRow, windowStateAt } from "./blocking-window.ts";
import type { Order } from "./order.ts";
import type { WindowRequest } from "./window-request.ts";

export interface AddWindowsOptions {
  actor: string;
  now: Date;
  /** The target whose own windows these are; absent: the order's. */
  targetId?: number;
  reason?: string;
}

/**
 * Stores blocking windows for an order or one of its targets, all or none, in the caller's transaction. Each
 * window is refused if it ends before it starts, if it leaves the validity of what it restricts, or if it
 * overlaps another window of the same order or target (stored or in this batch): an overlap is almost always
 * a calendar imported twice, and two windows that touch are one window to a reader of the portal. Windows are
 * half-open, [start, end): one that starts where another ends does not overlap it.
 *
 * A window that is already open when added takes effect at once; the event it writes is what makes the
 * release builder look again at the order's entries.
 */
export async function addWindows(
  trx: Kysely<Database>,
  order: Order,
  requests: WindowRequest[],
  options: AddWindowsOptions,
): Promise<BlockingWindow[]> {
  if (requests.length === 0) return [];
  const scope = await validityOf(trx, order, options.targetId);
  const spans = requests.map((request, index) => normalise(request, index));
  for (const span of spans) {
    if (span.end <= span.start) {
      throw new DecreeError(
        "WINDOW_INVERTED",
        `Window ${describe(span)} ends before it starts (or lasts no time); nothing was stored. Give an end ` +
          "after the start.",
        { index: span.index },
      );
    }
    if (span.start < scope.from || span.end > scope.until) {
      throw new DecreeError(
        "WINDOW_OUTSIDE_VALIDITY",
        `Window ${describe(span)} is outside the validity of ${scope.what} (${scope.fromText} to ` +
          `${scope.untilText}); nothing was stored. Keep every window, margins included, within it.`,
        { index: span.index, validFrom: scope.fromText, validUntil: scope.untilText },
      );
    }
  }
  let query = trx
    .selectFrom("blocking_windows")
    .select(["id", "starts_at", "ends_at", "label"])
    .where("order_id", "=", order.id)
    .where("state", "!=", "withdrawn");
  query =
    options.targetId === undefined
      ? query.where("target_id", "is", null)
      : query.where("target_id", "=", options.targetId);
  const stored = (await query.execute()).map((row) => ({
    index: -1,
    id: Number(row.id),
    start: Date.parse(row.starts_at),
    end: Date.parse(row.ends_at),
    label: row.label ?? undefined,
  }));
  const all = [...stored, ...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < all.length; i++) {
    const previous = all[i - 1]!;
    const current = all[i]!;
    if (current.start < previous.end) {
      const [first, second] = [previous, current].map((span) =>
        span.index === -1 ? `stored window ${span.id} ${describe(span)}` : `window ${describe(span)}`,
      );
      throw new DecreeError(
        "WINDOW_OVERLAP",
        `${first} overlaps ${second} of ${scope.what}; nothing was stored. Merge them or move one.`,
        { indexes: [previous.index, current.index].filter((index) => index >= 0) },
      );
    }
  }
  const at = options.now.toISOString();
  const windows: BlockingWindow[] = [];
  for (const request of requests) {
    const startsAt = new Date(request.startsAt).toISOString();
    const endsAt = new Date(request.endsAt).toISOString();
    const row = await trx
      .insertInto("blocking_windows")
      .values({
        order_id: order.id,
        target_id: options.targetId ?? null,
        starts_at: startsAt,
        ends_at: endsAt,
        event_starts_at: request.eventStartsAt ?? null,
        event_ends_at: request.eventEndsAt ?? null,
        margin_before_seconds: request.marginBeforeSeconds ?? 0,
        margin_after_seconds: request.marginAfterSeconds ?? 0,
        label: request.label ?? null,
        source: request.source,
        calendar_uid: request.calendarUid ?? null,
        state: windowStateAt({ startsAt, endsAt }, options.now),
        created_at: at,
        created_by: options.actor,
        withdrawn_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    windows.push(windowFromRow(row));
  }
  await appendEvents(
    trx,
    windows.map((window) => ({
      at,
      actor: options.actor,
      subject_type: "order",
      subject_id: order.id,
      action: "order.window-added",
      from_state: null,
      to_state: window.state,
      reason: options.reason ?? null,
      data: windowEventData(window),
    })),
  );
  return windows;
}

/** What every window event carries into the log: enough for anyone to replay when an entry was served. */
export function windowEventData(window: BlockingWindow): Record<string, unknown> {
  return {
    windowId: window.id,
    targetId: window.targetId,
    startsAt: window.startsAt,
    endsAt: window.endsAt,
    ...(window.eventStartsAt ? { eventStartsAt: window.eventStartsAt, eventEndsAt: window.eventEndsAt } : {}),
    ...(window.label ? { label: window.label } : {}),
    source: window.source,
  };
}

interface Span {
  index: number;
  id?: number;
  start: number;
  end: number;
  label: string | undefined;
}

function normalise(request: WindowRequest, index: number): Span {
  const start = Date.parse(request.startsAt);
  const end = Date.parse(request.endsAt);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw new DecreeError(
      "REQUEST_INVALID",
      `Window ${index + 1}: "${Number.isNaN(start) ? request.startsAt : request.endsAt}" is not a date-time; ` +
        "write it as 2026-06-01T19:00:00Z or with an offset (+02:00).",
      { index },
    );
  }
  return { index, start, end, label: request.label };
}

function describe(span: Span): string {
  const times = `${new Date(span.start).toISOString()} → ${new Date(span.end).toISOString()}`;
  return span.label ? `"${span.label}" (${times})` : `(${times})`;
}

async function validityOf(trx: Kysely<Database>, order: Order, targetId: number | undefined) {
  if (targetId === undefined) {
    return {
      what: `order ${order.id}`,
      from: Date.parse(order.validFrom),
      until: Date.parse(order.validUntil),
      fromText: order.validFrom,
      untilText: order.validUntil,
    };
  }
  const target = await trx
    .selectFrom("targets")
    .select(["id", "order_id", "valid_from", "valid_until", "display"])
    .where("id", "=", targetId)
    .executeTakeFirst();
  if (!target || Number(target.order_id) !== order.id) {
    throw new DecreeError(
      "TARGET_NOT_FOUND",
      `Order ${order.id} has no target ${targetId}. See \`decree targets list --order ${order.id}\`.`,
    );
  }
  return {
    what: `target ${targetId} (${target.display})`,
    from: Date.parse(target.valid_from),
    until: Date.parse(target.valid_until),
    fromText: target.valid_from,
    untilText: target.valid_until,
  };
}
