import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import type { EventFacts } from "../../locale/event-text.ts";
import type { Database } from "../../store/database.ts";
import { readableNow } from "./event-disclosure.ts";
import { eventLeaf, type LoggedEvent, type Pseudonymiser } from "./event-leaf.ts";
import { commitmentLeaf } from "./leaf-commitment.ts";
import { hashLeaf } from "./merkle-hash.ts";
import { readLoggedEventsOfLeaves } from "./read-logged-events.ts";
import { logSize } from "./sequence-events.ts";

export interface LogEntry {
  index: number;
  eventId: number;
  /** The leaf data: canonical JSON, the exact bytes hashed. */
  leaf: string;
  leafHash: Buffer;
  /**
   * For a leaf logged as a commitment whose subject is now public: the salt and the event's leaf data, which
   * hash to the commitment (leaf-commitment.ts). Absent while the subject is not public.
   */
  reveal?: { salt: Buffer; leaf: string } | undefined;
  /** What a sentence about the event may tell (locale/event-text.ts): only when its leaf shows the event. */
  facts?: EventFacts | undefined;
}

export const maxEntriesPerRead = 1000;

/**
 * Leaves [start, end) rebuilt from their events. They are not copied anywhere at sequencing: an event
 * rewritten in the store comes out here as a leaf whose hash no longer matches the tree, which is the point.
 * A committed leaf is its stored commitment; its event is revealed beside it only once its subject is public,
 * and an event (or salt) rewritten since then no longer hashes to the commitment.
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
  return rows.map(({ index, event, commitment }) => {
    if (!commitment) {
      const leaf = eventLeaf(event, pseudonymise);
      return { index, eventId: event.id, leaf, leafHash: hashLeaf(Buffer.from(leaf)), facts: factsOf(event) };
    }
    const leaf = commitmentLeaf(event.id, commitment.commitment);
    const reveal = readableNow(event.subjectType, event.action, event.subject ?? {})
      ? { salt: commitment.salt, leaf: eventLeaf(event, pseudonymise) }
      : undefined;
    return {
      index,
      eventId: event.id,
      leaf,
      leafHash: hashLeaf(Buffer.from(leaf)),
      reveal,
      facts: reveal ? factsOf(event) : undefined,
    };
  });
}

/** The facts of a sentence, none beyond the leaf's own: the action, the subject, the target, counts. */
function factsOf(event: LoggedEvent): EventFacts {
  return {
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    data: event.data,
    target: event.target,
  };
}
