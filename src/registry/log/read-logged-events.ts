import type { Kysely } from "kysely";
import { arrayRows } from "../../store/array-rows.ts";
import type { Database } from "../../store/database.ts";
import { type LoggedEvent, loggedSubjects } from "./event-leaf.ts";

const columns = [
  "events.id",
  "events.at",
  "events.actor",
  "events.subject_type",
  "events.subject_id",
  "events.action",
  "events.from_state",
  "events.to_state",
  "events.reason",
  "events.data",
  "targets.kind as target_kind",
  "targets.value as target_value",
  "targets.order_id as target_order_id",
  "orders.measures as order_measures",
] as const;

/**
 * Each event with what gives it meaning, in the same read: a target's kind, value and order (fixed once
 * written), an order's measures on its `order.recorded` event. The joins are by primary key, so a million
 * events cost one pass, not two thousand look-ups.
 */
function eventsWithSubjects(db: Kysely<Database>) {
  return db
    .selectFrom("events")
    .leftJoin("targets", (join) =>
      join.onRef("targets.id", "=", "events.subject_id").on("events.subject_type", "=", "target"),
    )
    .leftJoin("orders", (join) =>
      join
        .onRef("orders.id", "=", "events.subject_id")
        .on("events.subject_type", "=", "order")
        .on("events.action", "=", "order.recorded"),
    );
}

/**
 * Registry events among the next `limit` events after `after` (and up to `upTo`), by id: the sequencer's
 * input; `lastId` is the last event read, logged or not, and `complete` whether the range is exhausted.
 * Rows come as arrays (store/array-rows.ts): at a million events, the objects Kysely would build per row
 * cost more than SQLite's own work.
 */
export async function readLoggedEventsAfter(
  db: Kysely<Database>,
  after: number,
  limit: number,
  upTo?: number,
): Promise<{ events: LoggedEvent[]; lastId: number; complete: boolean }> {
  // By id range alone, the subject filtered here: given `subject_type in (…)` SQLite walks the subject index
  // instead of the primary key (as store/events-since.ts found), reading every such event ever written.
  let query = eventsWithSubjects(db).select(columns).where("events.id", ">", after);
  if (upTo !== undefined) query = query.where("events.id", "<=", upTo);
  const rows = await arrayRows(db, query.orderBy("events.id").limit(limit).compile());
  const logged = new Set<string>(loggedSubjects);
  const events: LoggedEvent[] = [];
  for (const row of rows) if (logged.has(row[3] as string)) events.push(loggedEventOfValues(row));
  return {
    events,
    lastId: rows.length > 0 ? Number(rows.at(-1)![0]) : after,
    complete: rows.length < limit,
  };
}

/** An event from a row of `columns`' values, in their order. */
function loggedEventOfValues(row: unknown[]): LoggedEvent {
  const [id, at, actor, subjectType, subjectId, action, fromState, toState, reason, data] = row;
  const targetKind = row[10];
  const targetValue = row[11];
  const orderMeasures = row[13];
  return {
    id: Number(id),
    at: at as string,
    actor: actor as string,
    subjectType: subjectType as string,
    subjectId: Number(subjectId),
    action: action as string,
    fromState: fromState as string | null,
    toState: toState as string | null,
    reason: reason as string | null,
    data: data as string,
    target:
      targetKind !== null && targetValue !== null
        ? { kind: targetKind as string, value: targetValue as string, orderId: Number(row[12]) }
        : undefined,
    order: orderMeasures !== null ? { measures: JSON.parse(orderMeasures as string) as string[] } : undefined,
  };
}

/** The events of leaves [start, end), in leaf order: what /log/entries and the entry tiles serve. */
export async function readLoggedEventsOfLeaves(
  db: Kysely<Database>,
  start: number,
  end: number,
): Promise<Array<{ index: number; event: LoggedEvent }>> {
  const rows = await db
    .selectFrom("log_leaves")
    .innerJoin("events", "events.id", "log_leaves.event_id")
    .leftJoin("targets", (join) =>
      join.onRef("targets.id", "=", "events.subject_id").on("events.subject_type", "=", "target"),
    )
    .leftJoin("orders", (join) =>
      join
        .onRef("orders.id", "=", "events.subject_id")
        .on("events.subject_type", "=", "order")
        .on("events.action", "=", "order.recorded"),
    )
    .select([...columns, "log_leaves.idx"])
    .where("log_leaves.idx", ">=", start)
    .where("log_leaves.idx", "<", end)
    .orderBy("log_leaves.idx")
    .execute();
  return rows.map((row) => ({ index: Number(row.idx), event: loggedEvent(row) }));
}

interface JoinedRow {
  id: number;
  at: string;
  actor: string;
  subject_type: string;
  subject_id: number;
  action: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  data: string;
  target_kind: string | null;
  target_value: string | null;
  target_order_id: number | null;
  order_measures: string | null;
}

function loggedEvent(row: JoinedRow): LoggedEvent {
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    subjectType: row.subject_type,
    subjectId: Number(row.subject_id),
    action: row.action,
    fromState: row.from_state,
    toState: row.to_state,
    reason: row.reason,
    data: row.data,
    target:
      row.target_kind !== null && row.target_value !== null
        ? { kind: row.target_kind, value: row.target_value, orderId: Number(row.target_order_id) }
        : undefined,
    order: row.order_measures !== null ? { measures: JSON.parse(row.order_measures) as string[] } : undefined,
  };
}
