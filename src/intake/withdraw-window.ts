import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { idRange, parseDecimalInteger } from "../names/parse-decimal-integer.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { windowEventData } from "./add-windows.ts";
import { type BlockingWindow, windowFromRow } from "./blocking-window.ts";
import type { Order } from "./order.ts";

/**
 * Takes a blocking window back (entered by mistake, a match moved): it stays in the store and the log as
 * `withdrawn`. Withdrawing an open window stops serving its entries at once, unless another window is open;
 * withdrawing the last window of an order makes its entries served at all times again, as an order without
 * windows is: the event says so, and the release follows.
 */
export async function withdrawWindow(
  trx: Kysely<Database>,
  order: Order,
  ref: string | number,
  options: { actor: string; now: Date; reason?: string },
): Promise<BlockingWindow> {
  const parsed = parseDecimalInteger(String(ref), idRange);
  const row = parsed.ok
    ? await trx
        .selectFrom("blocking_windows")
        .selectAll()
        .where("id", "=", parsed.value)
        .where("order_id", "=", order.id)
        .executeTakeFirst()
    : undefined;
  if (!row || row.state === "withdrawn") {
    throw new DecreeError(
      "WINDOW_NOT_FOUND",
      `Order ${order.id} has no window ${String(ref)}${row ? " that is not already withdrawn" : ""}. See ` +
        `\`decree orders windows list ${order.id}\`.`,
    );
  }
  const at = options.now.toISOString();
  await trx
    .updateTable("blocking_windows")
    .set({ state: "withdrawn", withdrawn_at: at })
    .where("id", "=", row.id)
    .execute();
  const window = windowFromRow({ ...row, state: "withdrawn", withdrawn_at: at });
  await appendEvents(trx, [
    {
      at,
      actor: options.actor,
      subject_type: "order",
      subject_id: order.id,
      action: "order.window-withdrawn",
      from_state: row.state,
      to_state: "withdrawn",
      reason: options.reason ?? null,
      data: windowEventData(window),
    },
  ]);
  return window;
}
