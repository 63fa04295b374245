import type { Kysely } from "kysely";
import { getDomain } from "tldts";
import type { Database } from "../store/database.ts";
import { insertMany } from "../store/insert-many.ts";
import type { Finding } from "./finding.ts";

/** A name of another order found on an address, at its own submission. */
export interface NameOnAddress {
  name: string;
  site: string;
  orderId: number;
}

/** The registrable domain a name belongs to (its site), private PSL section included: blogspot.com's users apart. */
export function siteOf(name: string): string {
  return getDomain(name, { allowPrivateDomains: true }) ?? name;
}

const columns = ["address", "name", "site", "order_id", "target_id", "taken_at"] as const;

/**
 * Keeps the addresses each DNS snapshot found, so that a later submission can ask who else lives there. Run in
 * the submission's transaction, with the findings it indexes.
 */
export async function recordSnapshotAddresses(
  trx: Kysely<Database>,
  orderId: number,
  found: ReadonlyArray<{ targetId: number; finding: Finding }>,
  at: string,
): Promise<void> {
  const rows: Array<{ address: string; name: string; targetId: number }> = [];
  for (const { targetId, finding } of found) {
    if (finding.code !== "DNS_SNAPSHOT") continue;
    const evidence = finding.evidence as { name?: unknown; a?: unknown; aaaa?: unknown };
    if (typeof evidence.name !== "string") continue;
    for (const address of [...asStrings(evidence.a), ...asStrings(evidence.aaaa)]) {
      rows.push({ address, name: evidence.name, targetId });
    }
  }
  await insertMany(trx, "snapshot_addresses", columns, rows.length, (row, out, offset) => {
    const { address, name, targetId } = rows[row]!;
    out[offset] = address;
    out[offset + 1] = name;
    out[offset + 2] = siteOf(name);
    out[offset + 3] = orderId;
    out[offset + 4] = targetId;
    out[offset + 5] = at;
  });
}

// Well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const chunkSize = 5_000;

/** The names of other orders that resolved to each of these addresses, one question per few thousand addresses. */
export async function namesOnAddresses(
  db: Kysely<Database>,
  addresses: readonly string[],
  exceptOrderId: number,
): Promise<Map<string, NameOnAddress[]>> {
  const unique = [...new Set(addresses)];
  const byAddress = new Map<string, NameOnAddress[]>();
  for (let start = 0; start < unique.length; start += chunkSize) {
    const rows = await db
      .selectFrom("snapshot_addresses")
      .select(["address", "name", "site", "order_id"])
      .where("address", "in", unique.slice(start, start + chunkSize))
      .where("order_id", "!=", exceptOrderId)
      .execute();
    for (const row of rows) {
      const list = byAddress.get(row.address) ?? [];
      list.push({ name: row.name, site: row.site, orderId: Number(row.order_id) });
      byAddress.set(row.address, list);
    }
  }
  return byAddress;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
