import type { Kysely } from "kysely";
import { type EnforcerKind, enforcerKinds } from "../publish/enforcer-kind.ts";
import type { Database } from "../store/database.ts";
import { type Acknowledgment, acknowledgmentFromRow } from "./acknowledge-release.ts";
import { organisationKinds } from "./organisation-kinds.ts";

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
  /** The organisation's enforcer kind, from its operator (null without one). */
  enforcerKind: EnforcerKind | null;
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
  const kindOf = await organisationKinds(db);
  const acknowledgments: ListedAcknowledgment[] = rows.map((row) => ({
    ...acknowledgmentFromRow(row),
    organisationName: row.organisation_name,
    enforcerKind: kindOf(row.organisation_name),
  }));
  // The page's acknowledgments counted by kind: ISPs, public resolvers, VPNs and search engines apart.
  const byKind = Object.fromEntries([...enforcerKinds, "none"].map((kind) => [kind, 0])) as Record<
    EnforcerKind | "none",
    number
  >;
  for (const ack of acknowledgments) byKind[ack.enforcerKind ?? "none"]++;
  const latest = await db
    .selectFrom("releases")
    .select(["serial", "soa_serial", "created_at"])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return {
    latestRelease: latest
      ? { serial: Number(latest.serial), soaSerial: Number(latest.soa_serial), createdAt: latest.created_at }
      : null,
    acknowledgments,
    byKind,
    next: nextPage(acknowledgments),
  };
}

export function nextPage(rows: Array<{ id: number }>) {
  const last = rows.at(-1);
  return last ? { after: last.id } : null;
}
