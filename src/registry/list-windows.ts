import type { Kysely } from "kysely";
import { type BlockingWindow, windowFromRow } from "../intake/blocking-window.ts";
import type { Database } from "../store/database.ts";

/**
 * A blocking window as the public reads it: when the entries are served, and the match it is for; not who
 * made it or from which calendar entry.
 */
export type PublicWindow = Omit<
  BlockingWindow,
  "orderId" | "calendarUid" | "createdAt" | "createdBy" | "withdrawnAt"
>;

/** The windows of some orders, earliest first; withdrawn ones only when asked (the log keeps them anyway). */
export async function listWindows(
  db: Kysely<Database>,
  orderIds: number[],
  options: { withdrawn?: boolean } = {},
): Promise<BlockingWindow[]> {
  if (orderIds.length === 0) return [];
  let query = db.selectFrom("blocking_windows").selectAll().where("order_id", "in", orderIds);
  if (!options.withdrawn) query = query.where("state", "!=", "withdrawn");
  const rows = await query.orderBy("starts_at").orderBy("id").execute();
  return rows.map(windowFromRow);
}

/** Who added a window may be a person: the public sees the window, the log the account. */
export function publicWindow(window: BlockingWindow): PublicWindow {
  return {
    id: window.id,
    targetId: window.targetId,
    startsAt: window.startsAt,
    endsAt: window.endsAt,
    eventStartsAt: window.eventStartsAt,
    eventEndsAt: window.eventEndsAt,
    marginBeforeSeconds: window.marginBeforeSeconds,
    marginAfterSeconds: window.marginAfterSeconds,
    label: window.label,
    source: window.source,
    state: window.state,
  };
}
