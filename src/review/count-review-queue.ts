import { type Kysely, sql } from "kysely";
import type { Database } from "../store/database.ts";
import type { FindingCode, Severity, TargetKind } from "../vocabulary/vocabulary.ts";
import { proposedTargets, type ReviewQueueFilter, type WorstSeverity } from "./review-queue-filter.ts";

export interface ReviewQueueCounts {
  /** Targets matching the whole filter: what "all matching this filter" decides on. */
  matching: number;
  /** Targets by their worst finding, under the filter without its severities (they partition the queue). */
  bySeverity: Array<{ severity: WorstSeverity; count: number }>;
  /** Targets having a finding of each code, under the filter without its codes; a target counts once a code. */
  byCode: Array<{ code: FindingCode; severity: Severity; count: number }>;
  /** Targets of each kind, under the filter without its kind. */
  byKind: Array<{ kind: TargetKind; count: number }>;
}

/**
 * The counts of the review desk's filter panel. Each facet is counted under every other filter but its own,
 * so the panel says what choosing another value would show. Each count walks the proposed targets the other
 * filters leave, through indexes on proposed targets only, and reads their findings from an index alone: the
 * cost is the size of the queue, never of the registry's history.
 */
export async function countReviewQueue(
  db: Kysely<Database>,
  filter: ReviewQueueFilter,
): Promise<ReviewQueueCounts> {
  const matching = await proposedTargets(db, filter)
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .executeTakeFirst();
  const worst = sql<
    number | null
  >`(select min(case "findings"."severity" when 'block' then 1 when 'review' then 2 else 3 end) from "findings" where "findings"."target_id" = "targets"."id")`;
  const severityRows = await db
    .selectFrom(
      proposedTargets(db, { ...filter, severities: undefined })
        .select(worst.as("worst"))
        .as("q"),
    )
    .select(["q.worst", (eb) => eb.fn.countAll<number | string>().as("count")])
    .groupBy("q.worst")
    .execute();
  const codeRows = await proposedTargets(db, { ...filter, codes: undefined })
    .innerJoin("findings", "findings.target_id", "targets.id")
    .select([
      "findings.code",
      "findings.severity",
      (eb) => eb.fn.count<number | string>("targets.id").distinct().as("count"),
    ])
    .groupBy(["findings.code", "findings.severity"])
    .execute();
  const kindRows = await proposedTargets(db, { ...filter, kind: undefined })
    .select(["targets.kind", (eb) => eb.fn.countAll<number | string>().as("count")])
    .groupBy("targets.kind")
    .execute();
  const names: Record<number, WorstSeverity> = { 1: "block", 2: "review", 3: "info" };
  return {
    matching: Number(matching?.count ?? 0),
    bySeverity: severityRows
      .map((row) => ({
        severity: row.worst === null ? ("none" as const) : (names[Number(row.worst)] ?? "info"),
        count: Number(row.count),
      }))
      .sort((a, b) => rank(a.severity) - rank(b.severity)),
    byCode: codeRows
      .map((row) => ({ code: row.code, severity: row.severity, count: Number(row.count) }))
      .sort(
        (a, b) => rank(a.severity) - rank(b.severity) || b.count - a.count || a.code.localeCompare(b.code),
      ),
    byKind: kindRows.map((row) => ({ kind: row.kind, count: Number(row.count) })),
  };
}

const order: readonly string[] = ["block", "review", "info", "none"];
const rank = (severity: string) => order.indexOf(severity);
