import type { Insertable, Kysely } from "kysely";
import type { Database, EventsTable } from "./database.ts";
import { insertMany } from "./insert-many.ts";

/** `data` is an object, or its JSON when many events share it (a bulk import serialises it once). */
export type NewEvent = Omit<Insertable<EventsTable>, "data"> & { data?: Record<string, unknown> | string };

const eventColumns = [
  "at",
  "actor",
  "subject_type",
  "subject_id",
  "action",
  "from_state",
  "to_state",
  "reason",
  "data",
] as const;

/**
 * Events are the history every state is explained by: they are only ever inserted, in the same transaction as
 * the change they record.
 */
export async function appendEvents(trx: Kysely<Database>, events: NewEvent[]): Promise<void> {
  await insertMany(trx, "events", eventColumns, events.length, (row, out, at) => {
    const event = events[row]!;
    out[at] = event.at;
    out[at + 1] = event.actor;
    out[at + 2] = event.subject_type;
    out[at + 3] = event.subject_id;
    out[at + 4] = event.action;
    out[at + 5] = event.from_state ?? null;
    out[at + 6] = event.to_state ?? null;
    out[at + 7] = event.reason ?? null;
    out[at + 8] = typeof event.data === "string" ? event.data : JSON.stringify(event.data ?? {});
  });
}
