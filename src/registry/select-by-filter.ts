import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { queuedTargetIds, type ReviewQueueFilter } from "../review/review-queue-filter.ts";
import type { Database } from "../store/database.ts";

/** A decision on "all matching this filter": the filter, and how many targets the reviewer saw match it. */
export interface FilterSelection {
  filter: ReviewQueueFilter;
  /** The count the reviewer decided on; another count now means the queue moved, and nothing is decided. */
  expected?: number | undefined;
}

/**
 * The refs of the targets a selection by filter names, read in the decision's own transaction so that what
 * is decided is what matches when it is decided. With `expected`, a queue that grew or shrank since the
 * reviewer looked refuses the whole decision rather than deciding on targets nobody saw.
 */
export async function selectByFilter(trx: Kysely<Database>, selection: FilterSelection): Promise<string[]> {
  const ids = await queuedTargetIds(trx, selection.filter);
  if (ids.length === 0) {
    throw new DecreeError(
      "TARGET_NOT_FOUND",
      "No proposed target matches this filter; see GET /review/queue with the same filter.",
    );
  }
  if (selection.expected !== undefined && ids.length !== selection.expected) {
    throw new DecreeError(
      "SELECTION_CHANGED",
      `${ids.length} proposed targets match this filter now, not ${selection.expected} as when it was ` +
        "chosen; nothing was decided. Look at the queue again and decide on what it shows.",
      { matching: ids.length, expected: selection.expected },
    );
  }
  return ids.map(String);
}
