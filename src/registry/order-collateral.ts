import ipaddr from "ipaddr.js";
import type { Kysely } from "kysely";
import { namesOnAddresses, siteOf } from "../checks/snapshot-addresses.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { entryStates } from "../intake/target.ts";
import type { Database } from "../store/database.ts";

/** Who operates an address: its autonomous system, from a dated offline IP-to-ASN dataset. */
export interface AddressOperator {
  asn: number;
  organisation: string | null;
  /** cdn, cloud, hosting, public-dns, access… when the dataset classifies the AS. */
  category?: string | null | undefined;
}

/** The registrable domains observed on an address or inside a prefix: how many, and some of them. */
export interface CoHosting {
  count: number;
  sample: string[];
}

/**
 * What is known of an address beyond the registry's own DNS snapshots: the IP-to-ASN dataset and the passive-DNS
 * co-hosting index, wired by the service. Each answers for an address or a prefix (`192.0.2.0/24`); undefined
 * when it knows nothing of it. `source` names the data, with its date, for the page.
 */
export interface AddressEvidence {
  operatorOf(addressOrPrefix: string): Promise<AddressOperator | undefined>;
  coHostedOn(addressOrPrefix: string, sampleSize: number): Promise<CoHosting | undefined>;
  source: { asn?: string | undefined; coHosting?: string | undefined };
}

export interface CollateralEntry {
  id: number;
  kind: "ip" | "cidr";
  value: string;
  state: string;
  /** Addresses the entry covers: 1 for an address, 2^(bits − length) for a prefix. */
  addresses: number;
  operator: AddressOperator | null;
  /** Registrable domains on it other than the order's own sites; null when no source knows the address. */
  coHosted: CoHosting | null;
}

export interface OrderCollateral {
  orderId: number;
  /** What the entries that block now (state active) reach. */
  active: { entries: number; addresses: number; ipv6Prefixes: number };
  asns: Array<AddressOperator & { entries: number }>;
  /** Registrable domains behind the active entries, all sources together, without the order's own sites. */
  coHosted: CoHosting;
  entries: CollateralEntry[];
  sources: { asn: string | null; coHosting: string[] };
}

const defaultSample = 10;

/**
 * The collateral of an order's IP and prefix entries, measured rather than assumed: how many addresses they
 * block, which networks operate them, and which other sites live there, from the registry's own DNS snapshots
 * (names of other orders seen on the address at their submission) and, when wired, the evidence datasets.
 * Public: it names addresses, networks and domains, never a person.
 */
export async function orderCollateral(
  db: Kysely<Database>,
  orderId: number,
  evidence?: AddressEvidence,
  sampleSize = defaultSample,
): Promise<OrderCollateral> {
  const order = await db.selectFrom("orders").select("id").where("id", "=", orderId).executeTakeFirst();
  if (!order) {
    throw new DecreeError("ORDER_NOT_FOUND", `There is no order ${orderId}; GET /public/orders lists them.`);
  }
  const targets = await db
    .selectFrom("targets")
    .select(["id", "kind", "value", "state"])
    .where("order_id", "=", orderId)
    .where("state", "in", [...entryStates])
    .orderBy("id")
    .execute();
  const ownSites = new Set(
    targets.filter((t) => t.kind !== "ip" && t.kind !== "cidr").map((t) => siteOf(t.value)),
  );
  const addressTargets = targets.filter((t) => t.kind === "ip" || t.kind === "cidr");
  const snapshots = await namesOnAddresses(
    db,
    addressTargets.filter((t) => t.kind === "ip").map((t) => t.value),
    orderId,
  );
  const entries: CollateralEntry[] = [];
  for (const target of addressTargets) {
    const seen =
      target.kind === "ip" ? snapshots.get(target.value) : await sitesInPrefix(db, target.value, orderId);
    const sites = new Set((seen ?? []).map((n) => n.site).filter((site) => !ownSites.has(site)));
    const fromEvidence = await evidence?.coHostedOn(target.value, sampleSize);
    const count = Math.max(fromEvidence?.count ?? 0, sites.size);
    for (const site of fromEvidence?.sample ?? []) if (!ownSites.has(site)) sites.add(site);
    const known = fromEvidence !== undefined || seen !== undefined;
    entries.push({
      id: Number(target.id),
      kind: target.kind as "ip" | "cidr",
      value: target.value,
      state: target.state,
      addresses: addressCount(target.kind, target.value),
      operator: (await evidence?.operatorOf(target.value)) ?? null,
      coHosted: known ? { count, sample: [...sites].sort().slice(0, sampleSize) } : null,
    });
  }
  const active = entries.filter((entry) => entry.state === "active");
  const asns = new Map<number, AddressOperator & { entries: number }>();
  for (const entry of active) {
    if (!entry.operator) continue;
    const seen = asns.get(entry.operator.asn);
    if (seen) seen.entries += 1;
    else asns.set(entry.operator.asn, { ...entry.operator, entries: 1 });
  }
  const allSites = new Set(active.flatMap((entry) => entry.coHosted?.sample ?? []));
  return {
    orderId,
    active: {
      entries: active.length,
      addresses: active.filter((e) => !e.value.includes(":")).reduce((sum, e) => sum + e.addresses, 0),
      ipv6Prefixes: active.filter((e) => e.value.includes(":")).length,
    },
    asns: [...asns.values()].sort((a, b) => b.entries - a.entries || a.asn - b.asn),
    coHosted: {
      count: active.reduce((sum, entry) => sum + (entry.coHosted?.count ?? 0), 0),
      sample: [...allSites].sort().slice(0, sampleSize),
    },
    entries,
    sources: {
      asn: evidence?.source.asn ?? null,
      coHosting: [
        "registry DNS snapshots",
        ...(evidence?.source.coHosting ? [evidence.source.coHosting] : []),
      ],
    },
  };
}

/**
 * The snapshot names of other orders on addresses inside an IPv4 prefix: the store narrows by the octets the
 * prefix fixes (text order is not address order), then each address is matched. IPv6 text has too many
 * spellings for that narrowing, so IPv6 prefixes rely on the evidence source; undefined when nothing is known.
 */
async function sitesInPrefix(
  db: Kysely<Database>,
  prefix: string,
  orderId: number,
): Promise<Array<{ site: string }> | undefined> {
  const [network, length] = ipaddr.parseCIDR(prefix);
  if (network.kind() !== "ipv4") return undefined;
  const fixed = network
    .toString()
    .split(".")
    .slice(0, Math.floor(length / 8));
  const rows = await db
    .selectFrom("snapshot_addresses")
    .select(["address", "site"])
    .where("address", "like", fixed.length > 0 ? `${fixed.join(".")}.%` : "%.%")
    .where("order_id", "!=", orderId)
    .execute();
  const inside = rows.filter((row) => {
    if (!ipaddr.IPv4.isValidFourPartDecimal(row.address)) return false;
    return ipaddr.IPv4.parse(row.address).match(network as ipaddr.IPv4, length);
  });
  return inside.length > 0 ? inside : undefined;
}

/** IPv4 addresses covered; an IPv6 entry counts 1 (its /64s are not a count of sites, and 2^64 says nothing). */
function addressCount(kind: string, value: string): number {
  if (kind === "ip") return 1;
  const [network, length] = ipaddr.parseCIDR(value);
  return network.kind() === "ipv4" ? 2 ** (32 - length) : 1;
}
