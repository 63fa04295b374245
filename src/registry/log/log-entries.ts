import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Database } from "../../store/database.ts";
import { eventLeaf, type Pseudonymiser } from "./event-leaf.ts";
import { hashLeaf } from "./merkle-hash.ts";
import { readLoggedEventsOfLeaves } from "./read-logged-events.ts";
import { logSize } from "./sequence-events.ts";

export interface LogEntry {
  index: number;
  eventId: number;
  /** The leaf data: canonical JSON, the exact bytes hashed. */
  leaf: string;
  leafHash: Buffer;
}

export const maxEntriesPerRead = 1000;

/**
 * Leaves [start, end) rebuilt from their events. They are not copied anywhere at sequencing: an event
 * rewritten in the store comes out here as a leaf whose hash no longer matches the tree, which is the point.
 */
export async function logEntries(
  db: Kysely<Database>,
  start: number,
  end: number,
  pseudonymise: Pseudonymiser,
): Promise<LogEntry[]> {
  const size = await logSize(db);
  if (
    !(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start < end && end <= size)
  ) {
    throw new DecreeError(
      "LOG_RANGE_INVALID",
      `The log has ${size} leaves: ask for start < end ≤ ${size} (end is exclusive).`,
    );
  }
  const rows = await readLoggedEventsOfLeaves(db, start, Math.min(end, start + maxEntriesPerRead));
  return rows.map(({ index, event }) => {
    const leaf = eventLeaf(event, pseudonymise);
    return { index, eventId: event.id, leaf, leafHash: hashLeaf(Buffer.from(leaf)) };
  });
}
