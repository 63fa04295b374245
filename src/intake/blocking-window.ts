import type { Selectable } from "kysely";
import type { BlockingWindowsTable } from "../store/database.ts";
import type { WindowSource, WindowState } from "../vocabulary/vocabulary.ts";

/**
 * A blocking window as the rest of decree sees it: while an order (or a target) has windows, its entries are
 * served only while one of them is open. Public with its order: the portal says "blocked during these matches".
 */
export interface BlockingWindow {
  id: number;
  orderId: number;
  /** null: the order's window, for each of its targets that has none of its own. */
  targetId: number | null;
  startsAt: string;
  endsAt: string;
  /** The event itself (a match), when the window was made from a calendar; the margins widen it. */
  eventStartsAt: string | null;
  eventEndsAt: string | null;
  marginBeforeSeconds: number;
  marginAfterSeconds: number;
  label: string | null;
  source: WindowSource;
  calendarUid: string | null;
  state: WindowState;
  createdAt: string;
  createdBy: string;
  withdrawnAt: string | null;
}

export function windowFromRow(row: Selectable<BlockingWindowsTable>): BlockingWindow {
  return {
    id: Number(row.id),
    orderId: Number(row.order_id),
    targetId: row.target_id === null ? null : Number(row.target_id),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    eventStartsAt: row.event_starts_at,
    eventEndsAt: row.event_ends_at,
    marginBeforeSeconds: Number(row.margin_before_seconds),
    marginAfterSeconds: Number(row.margin_after_seconds),
    label: row.label,
    source: row.source,
    calendarUid: row.calendar_uid,
    state: row.state,
    createdAt: row.created_at,
    createdBy: row.created_by,
    withdrawnAt: row.withdrawn_at,
  };
}

/** The state a window has at `now` by its times alone: what the clock moves it to. */
export function windowStateAt(window: { startsAt: string; endsAt: string }, now: Date): WindowState {
  const at = now.toISOString();
  if (at >= window.endsAt) return "closed";
  return at >= window.startsAt ? "open" : "scheduled";
}
