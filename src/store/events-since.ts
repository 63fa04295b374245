import type { Kysely } from "kysely";
import type { EventAction, SubjectType } from "../vocabulary/vocabulary.ts";
import type { Database } from "./database.ts";

export interface EventMove {
  subjectType: SubjectType;
  subjectId: number;
  action: EventAction;
  fromState: string | null;
  toState: string | null;
}

/**
 * The events after one id (and up to another), read by id range alone. Given `subject_type = ?` as well, SQLite
 * prefers the subject index and walks every event of that type ever written: 0.1 s at a million targets, on
 * every release (bench/propagation). The caller filters the few rows the range yields.
 */
export async function eventsSince(db: Kysely<Database>, after: number, upTo?: number): Promise<EventMove[]> {
  const rows = await eventsSinceQuery(db, after, upTo).execute();
  return rows.map((row) => ({
    subjectType: row.subject_type,
    subjectId: Number(row.subject_id),
    action: row.action,
    fromState: row.from_state,
    toState: row.to_state,
  }));
}

/** The query itself, so that a test can ask each engine for its plan (a range of the primary key). */
export function eventsSinceQuery(db: Kysely<Database>, after: number, upTo?: number) {
  let query = db
    .selectFrom("events")
    .select(["id", "subject_type", "subject_id", "action", "from_state", "to_state"])
    .where("id", ">", after);
  if (upTo !== undefined) query = query.where("id", "<=", upTo);
  return query.orderBy("id");
}

/**
 * Targets that entered or left `active` among these events. An event that leaves the state as it was (an
 * operator's report, an approval pending its second reviewer) moves nothing, whatever state it names.
 */
export function targetsMovedThroughActive(events: EventMove[]): number[] {
  const ids = new Set<number>();
  for (const e of events) {
    if (e.subjectType !== "target" || e.fromState === e.toState) continue;
    if (e.fromState === "active" || e.toState === "active") ids.add(e.subjectId);
  }
  return [...ids];
}

/**
 * Targets whose served form may have changed among these events: those that entered or left `active`, and
 * active entries renewed (the de-listing lists carry each entry's end of validity). Nothing else changes
 * what a release serves, so events outside this set never make one.
 */
export function targetsChangingWhatIsServed(events: EventMove[]): number[] {
  const ids = new Set(targetsMovedThroughActive(events));
  for (const e of events) {
    if (e.subjectType === "target" && e.action === "target.renewed" && e.toState === "active") {
      ids.add(e.subjectId);
    }
  }
  return [...ids];
}
