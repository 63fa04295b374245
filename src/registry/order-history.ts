import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import type { EventAction, SubjectType } from "../vocabulary/vocabulary.ts";
import { eventColumns } from "./event-columns.ts";

/** One event of an order's history: the row, and the target's name when it is about one of its targets. */
export interface HistoryEvent {
  id: number;
  at: string;
  actor: string;
  subjectType: SubjectType;
  subjectId: number;
  action: EventAction;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  data: string;
  target?: { value: string } | undefined;
}

/**
 * The latest `limit` events of an order and of its targets, oldest first. Two reads, each by an index (the
 * events' subject, the targets' order), rather than one OR that would walk every event.
 */
export async function orderHistory(
  db: Kysely<Database>,
  orderId: number,
  limit: number,
): Promise<HistoryEvent[]> {
  const columns = eventColumns;
  const [own, ofTargets] = await Promise.all([
    db
      .selectFrom("events")
      .select(columns)
      .where("events.subject_type", "=", "order")
      .where("events.subject_id", "=", orderId)
      .orderBy("events.id", "desc")
      .limit(limit)
      .execute(),
    db
      .selectFrom("targets")
      .innerJoin("events", (join) =>
        join.onRef("events.subject_id", "=", "targets.id").on("events.subject_type", "=", "target"),
      )
      .select([...columns, "targets.value as target_value"])
      .where("targets.order_id", "=", orderId)
      .orderBy("events.id", "desc")
      .limit(limit)
      .execute(),
  ]);
  const rows = [...own.map((row) => ({ ...row, target_value: null as string | null })), ...ofTargets]
    .sort((a, b) => Number(b.id) - Number(a.id))
    .slice(0, limit)
    .reverse();
  return rows.map((row) => ({
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
    target: row.target_value === null ? undefined : { value: row.target_value },
  }));
}
