import { type Kysely, sql } from "kysely";
import { windowEventData } from "../intake/add-windows.ts";
import { type BlockingWindow, windowFromRow, windowStateAt } from "../intake/blocking-window.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { clockActor } from "./apply-clock.ts";

export interface WindowChange {
  windowId: number;
  orderId: number;
  from: string;
  to: string;
}

/**
 * Opens the blocking windows whose start has come and closes those whose end has, each with an event of its
 * order: the release builder reads these events and serves or withdraws the order's entries, through the same
 * path as an approval, without anyone acting. A window wholly in the past when the clock first sees it (the
 * service was down) is closed directly. Run inside the caller's transaction.
 */
export async function applyWindowClock(trx: Kysely<Database>, now: Date): Promise<WindowChange[]> {
  const at = now.toISOString();
  // Literal states, as in apply-clock.ts: only then does SQLite match the partial indexes of migration 0015.
  const due = await trx
    .selectFrom("blocking_windows")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb("state", "=", sql.lit("scheduled")), eb("starts_at", "<=", at)]),
        eb.and([eb("state", "=", sql.lit("open")), eb("ends_at", "<=", at)]),
      ]),
    )
    .orderBy("starts_at")
    .execute();
  const changes: Array<WindowChange & { window: BlockingWindow }> = [];
  for (const row of due) {
    const window = windowFromRow(row);
    const to = windowStateAt(window, now);
    if (to === window.state) continue;
    const moved = await trx
      .updateTable("blocking_windows")
      .set({ state: to })
      .where("id", "=", window.id)
      .where("state", "=", window.state)
      .executeTakeFirst();
    // Moved meanwhile (withdrawn, or by another instance at a change of leader): its event is not ours to write.
    if (Number(moved.numUpdatedRows) === 0) continue;
    changes.push({ windowId: window.id, orderId: window.orderId, from: window.state, to, window });
  }
  await appendEvents(
    trx,
    changes.map((change) => ({
      at,
      actor: clockActor,
      subject_type: "order",
      subject_id: change.orderId,
      action: change.to === "open" ? "order.window-opened" : "order.window-closed",
      from_state: change.from,
      to_state: change.to,
      reason: change.to === "open" ? "blocking window began" : "blocking window ended",
      data: windowEventData({ ...change.window, state: change.to as BlockingWindow["state"] }),
    })),
  );
  return changes.map(({ window: _window, ...change }) => change);
}

/** When the clock must next run for a window: the earliest start still to come or end of an open one. */
export async function nextWindowEdge(db: Kysely<Database>): Promise<Date | undefined> {
  const [opening, closing] = await Promise.all([
    db
      .selectFrom("blocking_windows")
      .select((eb) => eb.fn.min("starts_at").as("at"))
      .where("state", "=", sql.lit("scheduled"))
      .executeTakeFirst(),
    db
      .selectFrom("blocking_windows")
      .select((eb) => eb.fn.min("ends_at").as("at"))
      .where("state", "=", sql.lit("open"))
      .executeTakeFirst(),
  ]);
  const times = [opening?.at, closing?.at].filter((at): at is string => typeof at === "string");
  if (times.length === 0) return undefined;
  return new Date(times.sort()[0]!);
}
