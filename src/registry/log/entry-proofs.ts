import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";

/** Where a public entry's proof lives: its latest event's leaf, in the tree of the latest checkpoint. */
export interface EntryProofLink {
  index: number;
  size: number;
  url: string;
}

const chunk = 500;

/**
 * For each target, the leaf of its latest event that the latest checkpoint covers, with the link to the
 * inclusion proof a reader can check against that signed checkpoint.
 */
export async function entryProofLinks(
  db: Kysely<Database>,
  targetIds: readonly number[],
): Promise<Map<number, EntryProofLink>> {
  const links = new Map<number, EntryProofLink>();
  const latest = await db
    .selectFrom("log_checkpoints")
    .select("size")
    .orderBy("size", "desc")
    .limit(1)
    .executeTakeFirst();
  const size = Number(latest?.size ?? 0);
  if (size === 0) return links;
  for (let start = 0; start < targetIds.length; start += chunk) {
    const rows = await db
      .selectFrom("log_leaves")
      .innerJoin("events", "events.id", "log_leaves.event_id")
      .select(["events.subject_id", (eb) => eb.fn.max("log_leaves.idx").as("idx")])
      .where("events.subject_type", "=", "target")
      .where("events.subject_id", "in", targetIds.slice(start, start + chunk))
      .where("log_leaves.idx", "<", size)
      .groupBy("events.subject_id")
      .execute();
    for (const row of rows) {
      const index = Number(row.idx);
      links.set(Number(row.subject_id), {
        index,
        size,
        url: `/log/proof/inclusion?index=${index}&size=${size}`,
      });
    }
  }
  return links;
}
