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
  /**
   * Resolvers of the operator whose canary showed an earlier serial after this acknowledgment: the ack claims
   * what they did not apply (code ACK_SERIAL_NOT_APPLIED, probes/canary-serials.ts).
   */
  contradictions: AckContradiction[];
}

export interface AckContradiction {
  code: string;
  /** `transport host:port` of the resolver. */
  resolver: string;
  observedSerial: number | null;
  observedAt: string;
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
  const contradictions = await contradictionsOf(
    db,
    rows.map((row) => Number(row.id)),
  );
  const acknowledgments: ListedAcknowledgment[] = rows.map((row) => ({
    ...acknowledgmentFromRow(row),
    organisationName: row.organisation_name,
    enforcerKind: kindOf(row.organisation_name),
    contradictions: contradictions.get(Number(row.id)) ?? [],
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

async function contradictionsOf(
  db: Kysely<Database>,
  ackIds: readonly number[],
): Promise<Map<number, AckContradiction[]>> {
  const byAck = new Map<number, AckContradiction[]>();
  if (ackIds.length === 0) return byAck;
  const rows = await db
    .selectFrom("ack_contradictions")
    .innerJoin("resolvers", "resolvers.id", "ack_contradictions.resolver_id")
    .select([
      "ack_contradictions.acknowledgment_id",
      "ack_contradictions.code",
      "ack_contradictions.observed_serial",
      "ack_contradictions.observed_at",
      "resolvers.host",
      "resolvers.port",
      "resolvers.transport",
    ])
    .where("ack_contradictions.acknowledgment_id", "in", [...ackIds])
    .orderBy("ack_contradictions.id")
    .execute();
  for (const row of rows) {
    const host = row.host.includes(":") ? `[${row.host}]` : row.host;
    const list = byAck.get(Number(row.acknowledgment_id)) ?? [];
    list.push({
      code: row.code,
      resolver: `${row.transport} ${host}:${row.port}`,
      observedSerial: row.observed_serial === null ? null : Number(row.observed_serial),
      observedAt: row.observed_at,
    });
    byAck.set(Number(row.acknowledgment_id), list);
  }
  return byAck;
}

export function nextPage(rows: Array<{ id: number }>) {
  const last = rows.at(-1);
  return last ? { after: last.id } : null;
}
