import type { Insertable, Kysely } from "kysely";
import type { Database, EventsTable } from "./database.ts";

export type NewEvent = Omit<Insertable<EventsTable>, "data"> & { data?: Record<string, unknown> };

// Bound by SQLite's and PostgreSQL's limits on bound parameters per statement (32,766 and 65,535).
export const insertChunkRows = 1000;

/**
 * Events are the history every state is explained by: they are only ever inserted, in the same transaction as
 * the change they record.
 */
export async function appendEvents(trx: Kysely<Database>, events: NewEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += insertChunkRows) {
    const rows = events.slice(start, start + insertChunkRows).map(({ data, ...rest }) => ({
      ...rest,
      data: JSON.stringify(data ?? {}),
    }));
    await trx.insertInto("events").values(rows).execute();
  }
}
