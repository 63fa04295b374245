import type { Kysely } from "kysely";
import type { Measure } from "../intake/order-input.ts";
import { normalizeTarget } from "../names/normalize-target.ts";
import { parentNames } from "../names/parent-names.ts";
import type { Database } from "../store/database.ts";
import type { OrderKind } from "../vocabulary/vocabulary.ts";
import { entriesInZoneNow } from "./in-zone-now.ts";

/** An active entry that blocks a name in DNS, with what a person needs to know about its order. */
export interface BlockingEntry {
  targetId: number;
  kind: "fqdn" | "domain" | "ip";
  value: string;
  display: string;
  until: string;
  order: {
    id: number;
    kind: OrderKind;
    authority: string;
    caseNumber: string;
    decisionDate: string;
    jurisdiction: string;
    measures: Measure[];
    legalBasis: string | null;
  };
}

export type HostLookup =
  | { ok: true; name: string; display: string; entries: BlockingEntry[] }
  | { ok: false; reason: string };

/**
 * What blocks a host, as a client named it (a Host header: untrusted). The host is read by the names module as
 * any target is, so that `WWW.Example.COM.`, its Unicode form and its A-label all mean one name; what it
 * refuses cannot be an entry, so cannot be blocked. Matches the name's own `fqdn` or `domain` entry and the
 * `domain` entries above it; an IP literal matches an `ip` entry. Only entries DNS enforces count: active,
 * under an order that orders `dns-block` (or `ip-block` for an address).
 */
export async function findBlockingEntries(db: Kysely<Database>, host: string): Promise<HostLookup> {
  const checked = normalizeTarget(host);
  if (!checked.ok) return { ok: false, reason: checked.code };
  if (checked.kind !== "fqdn" && checked.kind !== "ip") return { ok: false, reason: "NOT_A_HOST" };
  const name = checked.value;
  const above = checked.kind === "fqdn" ? parentNames(name) : [];
  const rows = await db
    .selectFrom("targets as t")
    .innerJoin("orders as o", "o.id", "t.order_id")
    .select([
      "t.id",
      "t.kind",
      "t.value",
      "t.display",
      "t.valid_until",
      "o.id as order_id",
      "o.kind as order_kind",
      "o.authority",
      "o.case_number",
      "o.decision_date",
      "o.jurisdiction",
      "o.measures",
      "o.legal_basis",
    ])
    .where("t.state", "=", "active")
    .where((eb) =>
      eb.or([
        eb.and([eb("t.kind", "in", ["fqdn", "domain", "ip"]), eb("t.value", "=", name)]),
        ...(above.length > 0 ? [eb.and([eb("t.kind", "=", "domain"), eb("t.value", "in", above)])] : []),
      ]),
    )
    .orderBy("t.id")
    .execute();
  // Only the entries that block now: an active one outside its blocking windows sends no one here.
  const served = new Set(
    (
      await entriesInZoneNow(
        db,
        rows.map((row) => ({ id: Number(row.id), order_id: Number(row.order_id), state: "active" })),
      )
    ).map((row) => row.id),
  );
  const entries = rows
    .filter((row) => served.has(Number(row.id)))
    .map((row) => ({
      targetId: Number(row.id),
      kind: row.kind as BlockingEntry["kind"],
      value: row.value,
      display: row.display,
      until: row.valid_until,
      order: {
        id: Number(row.order_id),
        kind: row.order_kind,
        authority: row.authority,
        caseNumber: row.case_number,
        decisionDate: row.decision_date,
        jurisdiction: row.jurisdiction,
        measures: JSON.parse(row.measures) as Measure[],
        legalBasis: row.legal_basis,
      },
    }))
    .filter((entry) => entry.order.measures.includes(entry.kind === "ip" ? "ip-block" : "dns-block"));
  return { ok: true, name, display: checked.display, entries };
}
