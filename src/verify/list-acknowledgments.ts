import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import { type Acknowledgment, acknowledgmentFromRow } from "./acknowledge-release.ts";

export interface CompliancePage {
  /** One organisation's records only (an operator, a search engine), or everyone's. */
  organisationId?: number | undefined;
  after?: number | undefined;
  limit?: number | undefined;
}

export const defaultCompliancePage = 100;
export const maxCompliancePage = 1000;

export interface ListedAcknowledgment extends Acknowledgment {
  organisationName: string;
}

/** Acknowledgments, in the order they came, with the latest release so a reader sees who is behind. */
export async function listAcknowledgments(db: Kysely<Database>, page: CompliancePage) {
  let query = db
    .selectFrom("acknowledgments")
    .innerJoin("organisations", "organisations.id", "acknowledgments.organisation_id")
    .selectAll("acknowledgments")
    .select("organisations.name as organisation_name");
  if (page.organisationId !== undefined) {
    query = query.where("acknowledgments.organisation_id", "=", page.organisationId);
  }
  if (page.after !== undefined) query = query.where("acknowledgments.id", ">", page.after);
  const rows = await query
    .orderBy("acknowledgments.id")
    .limit(Math.min(page.limit ?? defaultCompliancePage, maxCompliancePage))
    .execute();
  const acknowledgments: ListedAcknowledgment[] = rows.map((row) => ({
    ...acknowledgmentFromRow(row),
    organisationName: row.organisation_name,
  }));
  const latest = await db
    .selectFrom("releases")
    .select(["serial", "created_at"])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return {
    latestRelease: latest ? { serial: Number(latest.serial), createdAt: latest.created_at } : null,
    acknowledgments,
    next: nextPage(acknowledgments),
  };
}

export function nextPage(rows: Array<{ id: number }>) {
  const last = rows.at(-1);
  return last ? { after: last.id } : null;
}
