import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import { countReviewQueue, type ReviewQueueCounts } from "./count-review-queue.ts";
import type { ReviewQueueFilter } from "./review-queue-filter.ts";

/** Filters whose counts are kept: a desk's panel asks for a few, again and again, while the queue stands still. */
const kept = 64;

/**
 * The filter panel's counts, counted again only when the registry changed. Every change to the queue (a
 * target proposed, decided, scheduled, cancelled, expired; an order confirmed) writes an event in its own
 * transaction, so the newest event's id is a version of the queue that costs one index read to ask, on
 * every instance alike; counting a queue of 100,000 costs a walk of it.
 */
export class CachedReviewCounts {
  readonly #counts = new Map<string, { version: number; counts: Promise<ReviewQueueCounts> }>();

  constructor(private readonly db: Kysely<Database>) {}

  async counts(filter: ReviewQueueFilter): Promise<ReviewQueueCounts> {
    const row = await this.db
      .selectFrom("events")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    const version = Number(row?.id ?? 0);
    const key = JSON.stringify([
      filter.orderId,
      filter.kind,
      [...(filter.codes ?? [])].sort(),
      [...(filter.severities ?? [])].sort(),
      filter.confirmed,
    ]);
    const cached = this.#counts.get(key);
    if (cached && cached.version === version) return cached.counts;
    const counts = countReviewQueue(this.db, filter);
    this.#counts.delete(key);
    this.#counts.set(key, { version, counts });
    counts.catch(() => {
      if (this.#counts.get(key)?.counts === counts) this.#counts.delete(key);
    });
    for (const oldest of this.#counts.keys()) {
      if (this.#counts.size <= kept) break;
      this.#counts.delete(oldest);
    }
    return counts;
  }
}
