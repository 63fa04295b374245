import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import type { WindowState } from "../vocabulary/vocabulary.ts";

/** What decides whether an entry is served: its state, and the windows that restrict it, if any. */
export interface EntryWindows {
  state: string;
  /** The target's own windows, not withdrawn. */
  own: ReadonlyArray<{ state: WindowState | string }>;
  /** Its order's windows, not withdrawn; they apply only to a target with none of its own. */
  order: ReadonlyArray<{ state: WindowState | string }>;
}

/**
 * Whether an entry is in the zone, the feeds and the route feed now: it is active and, when it is under
 * blocking windows (its own, else its order's), one of them is open. A window's state is moved by the clock
 * with an event (apply-window-clock.ts), so what is served always follows from the log.
 */
export function inZoneNow(entry: EntryWindows): boolean {
  if (entry.state !== "active") return false;
  const windows = entry.own.length > 0 ? entry.own : entry.order;
  return windows.length === 0 || windows.some((window) => window.state === "open");
}

const chunk = 500;

/**
 * The rows among `rows` whose entry is in the zone now (`inZoneNow`), their windows read from the store.
 * Every output built from the registry's entries (the zone's records, hence every feed, and the route feed of
 * active addresses) filters its rows through here, so that none can disagree on what is blocked.
 */
export async function entriesInZoneNow<T extends { id: number; order_id: number; state: string }>(
  db: Kysely<Database>,
  rows: T[],
): Promise<T[]> {
  const active = rows.filter((row) => row.state === "active");
  if (active.length === 0) return [];
  const orderIds = [...new Set(active.map((row) => Number(row.order_id)))];
  const ownWindows = new Map<number, Array<{ state: string }>>();
  const orderWindows = new Map<number, Array<{ state: string }>>();
  for (let start = 0; start < orderIds.length; start += chunk) {
    const windows = await db
      .selectFrom("blocking_windows")
      .select(["order_id", "target_id", "state"])
      .where("order_id", "in", orderIds.slice(start, start + chunk))
      .where("state", "!=", "withdrawn")
      .execute();
    for (const window of windows) {
      const [map, key] =
        window.target_id === null
          ? [orderWindows, Number(window.order_id)]
          : [ownWindows, Number(window.target_id)];
      const list = map.get(key);
      if (list) list.push(window);
      else map.set(key, [window]);
    }
  }
  if (ownWindows.size === 0 && orderWindows.size === 0) return active;
  return active.filter((row) =>
    inZoneNow({
      state: row.state,
      own: ownWindows.get(Number(row.id)) ?? [],
      order: orderWindows.get(Number(row.order_id)) ?? [],
    }),
  );
}
