import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import {
  type CompliancePage,
  defaultCompliancePage,
  maxCompliancePage,
  nextPage,
} from "./list-acknowledgments.ts";

/** Deadline breaches: an addressee that did not acknowledge a release carrying an order's entries in time. */
export async function listBreaches(db: Kysely<Database>, page: CompliancePage) {
  let query = db
    .selectFrom("deadline_breaches")
    .innerJoin("organisations", "organisations.id", "deadline_breaches.organisation_id")
    .innerJoin("orders", "orders.id", "deadline_breaches.order_id")
    .selectAll("deadline_breaches")
    .select(["organisations.name as organisation_name", "orders.case_number", "orders.deadline"]);
  if (page.organisationId !== undefined) {
    query = query.where("deadline_breaches.organisation_id", "=", page.organisationId);
  }
  if (page.after !== undefined) query = query.where("deadline_breaches.id", ">", page.after);
  const rows = await query
    .orderBy("deadline_breaches.id")
    .limit(Math.min(page.limit ?? defaultCompliancePage, maxCompliancePage))
    .execute();
  const breaches = rows.map((row) => ({
    id: Number(row.id),
    orderId: Number(row.order_id),
    caseNumber: row.case_number,
    deadline: row.deadline,
    organisationId: Number(row.organisation_id),
    organisationName: row.organisation_name,
    releaseId: Number(row.release_id),
    serial: Number(row.serial),
    dueAt: row.due_at,
    flaggedAt: row.flagged_at,
  }));
  return { breaches, next: nextPage(breaches) };
}
