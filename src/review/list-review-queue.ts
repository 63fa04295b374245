import type { Kysely } from "kysely";
import { findingsOf, type StoredFinding } from "../checks/findings-of.ts";
import { type Target, targetFromRow } from "../intake/target.ts";
import type { Database } from "../store/database.ts";
import { proposedTargets, type ReviewQueueFilter } from "./review-queue-filter.ts";

export interface ReviewQueuePage extends ReviewQueueFilter {
  /** Keyset pagination: targets proposed after this one. */
  after?: number | undefined;
  limit?: number | undefined;
}

export interface QueuedTarget extends Target {
  /** What the safeguard checks found when the target was submitted, for the reviewer to weigh. */
  findings: StoredFinding[];
  order: {
    id: number;
    authority: string;
    caseNumber: string;
    decisionDate: string;
    jurisdiction: string;
    measures: string[];
    validUntil: string;
    ownerOrganisationId: number | null;
    confirmedAt: string | null;
  };
}

export const defaultQueuePage = 100;
export const maxQueuePage = 1000;

/**
 * The authority's review queue: proposed targets with the order they come under, oldest first (ids grow with
 * time), so that nothing waits longer than what came after it; a page at a time, by keyset (`after`), so the
 * hundredth page costs what the first does.
 */
export async function listReviewQueue(
  db: Kysely<Database>,
  filter: ReviewQueuePage,
): Promise<QueuedTarget[]> {
  let query = proposedTargets(db, filter)
    .innerJoin("orders", "orders.id", "targets.order_id")
    .selectAll("targets")
    .select([
      "orders.authority as o_authority",
      "orders.case_number as o_case_number",
      "orders.decision_date as o_decision_date",
      "orders.jurisdiction as o_jurisdiction",
      "orders.measures as o_measures",
      "orders.valid_until as o_valid_until",
      "orders.owner_organisation_id as o_owner",
      "orders.confirmed_at as o_confirmed_at",
    ]);
  if (filter.after !== undefined) query = query.where("targets.id", ">", filter.after);
  const limit = Math.min(filter.limit ?? defaultQueuePage, maxQueuePage);
  const rows = await query.orderBy("targets.id").limit(limit).execute();
  const findings = await findingsOf(
    db,
    rows.map((row) => Number(row.id)),
  );
  return rows.map((row) => ({
    findings: findings.get(Number(row.id)) ?? [],
    ...targetFromRow(row),
    order: {
      id: row.order_id,
      authority: row.o_authority,
      caseNumber: row.o_case_number,
      decisionDate: row.o_decision_date,
      jurisdiction: row.o_jurisdiction,
      measures: JSON.parse(row.o_measures),
      validUntil: row.o_valid_until,
      ownerOrganisationId: row.o_owner === null ? null : Number(row.o_owner),
      confirmedAt: row.o_confirmed_at,
    },
  }));
}
