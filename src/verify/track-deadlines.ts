import { setImmediate as nextTurn } from "node:timers/promises";
import type { Kysely } from "kysely";
import type { Addressee } from "../intake/order.ts";
import { entriesInZoneNow } from "../registry/in-zone-now.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, Store } from "../store/database.ts";
import { eventsSinceQuery } from "../store/events-since.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { addresseeOrganisations } from "./addressee-organisations.ts";
import { organisationKinds } from "./organisation-kinds.ts";

export interface DeadlineRun {
  /** Deadlines opened: an order's entries reached a release. */
  opened: number;
  /** Deadlines that came due and were checked. */
  settled: number;
  breaches: Array<{ orderId: number; organisationId: number; serial: number; dueAt: string }>;
}

export const deadlineActor = "system:deadlines";
const cursorName = "deadlines.release";
/** The last event the deadline job looked at, inside the release after `deadlines.release`. */
const eventCursorName = "deadlines.event";
const batch = 500;
/** Events read per run: some 20 ms of SQLite's time, so a run never holds the store long. */
const defaultEventBudget = 20_000;
/**
 * Events read per transaction: on SQLite a transaction holds the event loop from its first query to its commit,
 * so a run's budget is read in short ones with the event loop free between them (a decision's request, the
 * release it pokes) rather than in one that held it for a run's whole budget.
 */
const eventsPerTransaction = 1_000;

/**
 * The deadline job. A release that first publishes entries of an order (events moving a target to `active`:
 * approved, activated by the clock, reinstated) opens a deadline for that order: its addressees must
 * acknowledge that release, or any later one (serials are cumulative), within the order's deadline (15 days;
 * 30 minutes for a live event). When the deadline passes, each addressee organisation without such an
 * acknowledgment made in time is flagged once. Removals (suspend, lift, expiry) open no deadline: the order's
 * deadline is for applying it.
 */
export async function trackDeadlines(
  store: Store,
  now: Date,
  options: { eventBudget?: number; eventsPerTransaction?: number } = {},
): Promise<DeadlineRun> {
  let budget = options.eventBudget ?? defaultEventBudget;
  let opened = 0;
  while (budget > 0) {
    const share = Math.min(budget, options.eventsPerTransaction ?? eventsPerTransaction);
    const run = await openDeadlines(store, share);
    opened += run.opened;
    budget -= run.read;
    // Fewer than asked: the releases read so far are done (the rest, if any, at the next run).
    if (run.read < share) break;
    await nextTurn();
  }
  const { settled, breaches } = await settleDueDeadlines(store, now);
  return { opened, settled, breaches };
}

/**
 * Reads releases past the cursor and opens a deadline per order they published entries of. A release's events
 * are read in pages past a second cursor, the last event looked at, and a run reads at most `eventBudget` of
 * them: the release that first publishes a million imported entries spreads over runs instead of holding the
 * store (and, on SQLite, the event loop) for the length of its history. A page read twice opens nothing twice.
 */
async function openDeadlines(store: Store, eventBudget: number): Promise<{ opened: number; read: number }> {
  return inTransaction(store.db, async (trx) => {
    const cursor = await readCursor(trx, cursorName);
    const eventCursor = await readCursor(trx, eventCursorName);
    const previous = await trx
      .selectFrom("releases")
      .select("last_event_id")
      .where("id", "=", cursor)
      .executeTakeFirst();
    const releases = await trx
      .selectFrom("releases")
      .select(["id", "serial", "created_at", "last_event_id"])
      .where("id", ">", cursor)
      .orderBy("id")
      .limit(batch)
      .execute();
    let fromEvent = Math.max(Number(previous?.last_event_id ?? 0), eventCursor);
    let budget = eventBudget;
    let opened = 0;
    let done: number | undefined;
    for (const release of releases) {
      const upTo = Number(release.last_event_id);
      const page =
        fromEvent < upTo ? await eventsSinceQuery(trx, fromEvent, upTo).limit(budget).execute() : [];
      budget -= page.length;
      for (const order of await ordersActivatedAmong(trx, page)) {
        const dueAt = new Date(Date.parse(release.created_at) + Number(order.deadline_seconds) * 1000);
        const inserted = await trx
          .insertInto("deadlines")
          .values({
            order_id: order.id,
            release_id: release.id,
            serial: release.serial,
            due_at: dueAt.toISOString(),
          })
          .onConflict((conflict) => conflict.columns(["order_id", "release_id"]).doNothing())
          .executeTakeFirst();
        opened += Number(inserted.numInsertedOrUpdatedRows ?? 0n);
      }
      const last = page.at(-1);
      if (last && Number(last.id) < upTo && budget <= 0) {
        // The budget ran out inside this release: the next run goes on from its last event read.
        fromEvent = Number(last.id);
        break;
      }
      fromEvent = Math.max(fromEvent, upTo);
      done = Number(release.id);
      if (budget <= 0) break;
    }
    if (done !== undefined) await writeCursor(trx, cursorName, done);
    if (fromEvent !== eventCursor) await writeCursor(trx, eventCursorName, fromEvent);
    return { opened, read: eventBudget - budget };
  });
}

/**
 * The orders some of whose entries were published in these events: targets that became active (and are
 * served, i.e. not waiting for a blocking window), and orders whose window opened (or whose windows were
 * withdrawn, so that their entries are served at all times). Their deadlines open now.
 */
async function ordersActivatedAmong(
  trx: Kysely<Database>,
  events: Array<{
    subject_type: string;
    subject_id: number;
    action: string;
    from_state: string | null;
    to_state: string | null;
  }>,
) {
  const windowOpened = new Set(
    events
      .filter(
        (e) =>
          e.subject_type === "order" &&
          (e.action === "order.window-opened" ||
            e.action === "order.window-withdrawn" ||
            (e.action === "order.window-added" && e.to_state === "open")),
      )
      .map((e) => Number(e.subject_id)),
  );
  const activated = [
    ...new Set(
      events
        .filter((e) => e.subject_type === "target" && e.to_state === "active" && e.from_state !== "active")
        .map((e) => Number(e.subject_id)),
    ),
  ];
  const orders = new Map<number, { id: number; deadline_seconds: number }>();
  const published = new Set(windowOpened);
  for (let start = 0; start < activated.length; start += 500) {
    const rows = await trx
      .selectFrom("targets")
      .select(["id", "order_id", "state"])
      .where("id", "in", activated.slice(start, start + 500))
      .execute();
    // An entry activated outside its windows is not served yet: its deadline opens with its window.
    for (const row of await entriesInZoneNow(trx, rows)) published.add(Number(row.order_id));
  }
  const list = [...published];
  for (let start = 0; start < list.length; start += 500) {
    const rows = await trx
      .selectFrom("orders")
      .select(["id", "deadline_seconds"])
      .where("id", "in", list.slice(start, start + 500))
      .execute();
    for (const row of rows)
      orders.set(Number(row.id), { id: Number(row.id), deadline_seconds: row.deadline_seconds });
  }
  return [...orders.values()];
}

async function settleDueDeadlines(store: Store, now: Date) {
  const at = now.toISOString();
  const due = await store.db
    .selectFrom("deadlines")
    .innerJoin("orders", "orders.id", "deadlines.order_id")
    .select([
      "deadlines.id",
      "deadlines.order_id",
      "deadlines.release_id",
      "deadlines.serial",
      "deadlines.due_at",
      "orders.addressees",
    ])
    .where("deadlines.settled_at", "is", null)
    .where("deadlines.due_at", "<=", at)
    // In the order of the deadlines_open index, so that the limit stops a walk of its range (ordered by id,
    // SQLite read every deadline ever opened to find the due ones).
    .orderBy("deadlines.due_at")
    .orderBy("deadlines.id")
    .limit(batch)
    .execute();
  if (due.length === 0) return { settled: 0, breaches: [] };
  const kindOf = await organisationKinds(store.db);
  const organisations = (await store.db.selectFrom("organisations").select(["id", "name"]).execute()).map(
    (o) => ({
      id: Number(o.id),
      name: o.name,
      kind: kindOf(o.name),
    }),
  );
  const breaches: DeadlineRun["breaches"] = [];
  for (const deadline of due) {
    const addressees = JSON.parse(deadline.addressees) as Addressee[];
    const breachable = await insideWindow(store.db, Number(deadline.order_id), deadline.due_at);
    await inTransaction(store.db, async (trx) => {
      for (const organisation of breachable ? addresseeOrganisations(addressees, organisations) : []) {
        if (await acknowledgedInTime(trx, organisation.id, deadline)) continue;
        const breach = {
          orderId: Number(deadline.order_id),
          organisationId: organisation.id,
          serial: Number(deadline.serial),
          dueAt: deadline.due_at,
        };
        if (await recordBreach(trx, { ...breach, releaseId: Number(deadline.release_id) }, at)) {
          breaches.push(breach);
        }
      }
      await trx.updateTable("deadlines").set({ settled_at: at }).where("id", "=", deadline.id).execute();
    });
  }
  return { settled: due.length, breaches };
}

/**
 * Whether a deadline that falls due at `dueAt` can be breached: always for an order without blocking windows;
 * for one with windows, only if one of them is open at `dueAt`. When its window ended first, the entries left
 * the zone before anyone had to have applied them, and no operator failed the order.
 */
async function insideWindow(db: Kysely<Database>, orderId: number, dueAt: string): Promise<boolean> {
  const windows = await db
    .selectFrom("blocking_windows")
    .select(["starts_at", "ends_at"])
    .where("order_id", "=", orderId)
    .where("target_id", "is", null)
    .where("state", "!=", "withdrawn")
    .execute();
  return windows.length === 0 || windows.some((w) => w.starts_at <= dueAt && dueAt < w.ends_at);
}

async function acknowledgedInTime(
  trx: Kysely<Database>,
  organisationId: number,
  deadline: { release_id: number; due_at: string },
): Promise<boolean> {
  const ack = await trx
    .selectFrom("acknowledgments")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("release_id", ">=", deadline.release_id)
    .where("at", "<=", deadline.due_at)
    .limit(1)
    .executeTakeFirst();
  return ack !== undefined;
}

async function recordBreach(
  trx: Kysely<Database>,
  breach: { orderId: number; organisationId: number; releaseId: number; serial: number; dueAt: string },
  at: string,
): Promise<boolean> {
  const inserted = await trx
    .insertInto("deadline_breaches")
    .values({
      order_id: breach.orderId,
      organisation_id: breach.organisationId,
      release_id: breach.releaseId,
      serial: breach.serial,
      due_at: breach.dueAt,
      flagged_at: at,
    })
    .onConflict((conflict) => conflict.columns(["order_id", "organisation_id", "release_id"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
  await appendEvents(trx, [
    {
      at,
      actor: deadlineActor,
      subject_type: "order",
      subject_id: breach.orderId,
      action: "order.deadline-missed",
      reason: `no acknowledgment of serial ${breach.serial} or later by ${breach.dueAt}`,
      data: { organisationId: breach.organisationId, serial: breach.serial, dueAt: breach.dueAt },
    },
  ]);
  return true;
}

async function readCursor(trx: Kysely<Database>, name: string): Promise<number> {
  const row = await trx.selectFrom("job_cursors").select("value").where("name", "=", name).executeTakeFirst();
  return Number(row?.value ?? 0);
}

async function writeCursor(trx: Kysely<Database>, name: string, value: number): Promise<void> {
  await trx
    .insertInto("job_cursors")
    .values({ name, value })
    .onConflict((conflict) => conflict.column("name").doUpdateSet({ value }))
    .execute();
}
