import type { Kysely } from "kysely";
import { arrayRows } from "../../store/array-rows.ts";
import type { Database } from "../../store/database.ts";
import { eventColumns } from "../event-columns.ts";
import type { SubjectFacts } from "./event-disclosure.ts";
import { type LoggedEvent, loggedSubjects } from "./event-leaf.ts";

const columns = [
  ...eventColumns,
  "targets.kind as target_kind",
  "targets.value as target_value",
  "targets.order_id as target_order_id",
  "orders.measures as order_measures",
  "targets.state as target_state",
  "subject_order.id as subject_order_id",
  "subject_order.confirmed_at as subject_order_confirmed_at",
  "subject_order.owner_organisation_id as subject_order_owner",
  "target_order.id as target_order_found",
  "target_order.confirmed_at as target_order_confirmed_at",
  "target_order.owner_organisation_id as target_order_owner",
] as const;

/**
 * Each event with what gives it meaning, in the same read: a target's kind, value and order (fixed once
 * written), an order's measures on its `order.recorded` event, and what says whether its subject is public
 * now (event-disclosure.ts). The joins are by primary key, so a million events cost one pass, not two
 * thousand look-ups.
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
    )
    .leftJoin("orders as subject_order", (join) =>
      join.onRef("subject_order.id", "=", "events.subject_id").on("events.subject_type", "=", "order"),
    )
    .leftJoin("orders as target_order", "target_order.id", "targets.order_id");
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
    subject: subjectFacts(row.slice(14, 21)),
  };
}

/** Whether the subject is public, from `columns`' last seven values (an order found or not, by its id). */
function subjectFacts(values: unknown[]): SubjectFacts {
  const [
    targetState,
    subjectOrderId,
    subjectConfirmed,
    subjectOwner,
    targetOrderId,
    targetConfirmed,
    targetOwner,
  ] = values;
  const order = (found: unknown, confirmedAt: unknown, owner: unknown) =>
    found === null || found === undefined
      ? undefined
      : {
          confirmedAt: (confirmedAt as string | null) ?? null,
          ownerOrganisationId: owner === null || owner === undefined ? null : Number(owner),
        };
  return {
    targetState: (targetState as string | null) ?? undefined,
    order:
      order(subjectOrderId, subjectConfirmed, subjectOwner) ??
      order(targetOrderId, targetConfirmed, targetOwner),
  };
}

/** A leaf's event and, when it was logged as a commitment, its salt and commitment. */
export interface LeafEvent {
  index: number;
  event: LoggedEvent;
  commitment?: { salt: Buffer; commitment: Buffer } | undefined;
}

/** The events of leaves [start, end), in leaf order: what /log/entries and the entry tiles serve. */
export async function readLoggedEventsOfLeaves(
  db: Kysely<Database>,
  start: number,
  end: number,
): Promise<LeafEvent[]> {
  const query = eventsWithSubjects(db)
    .innerJoin("log_leaves", "log_leaves.event_id", "events.id")
    .leftJoin("log_commitments", "log_commitments.event_id", "events.id")
    .select([...columns, "log_leaves.idx", "log_commitments.salt", "log_commitments.commitment"])
    .where("log_leaves.idx", ">=", start)
    .where("log_leaves.idx", "<", end)
    .orderBy("log_leaves.idx");
  const rows = await arrayRows(db, query.compile());
  return rows.map((row) => {
    const salt = row[22] as Uint8Array | null;
    const commitment = row[23] as Uint8Array | null;
    return {
      index: Number(row[21]),
      event: loggedEventOfValues(row),
      commitment:
        salt !== null && commitment !== null
          ? { salt: Buffer.from(salt), commitment: Buffer.from(commitment) }
          : undefined,
    };
  });
}
