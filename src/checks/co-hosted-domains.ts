import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import { addressKey, keyRange } from "./address-key.ts";
import { namesOnAddresses } from "./snapshot-addresses.ts";

/** A registrable domain seen on an address, with one name of it and where it was seen. */
export interface CoHostedSite {
  site: string;
  name: string;
  seenBy: "passive-dns" | "dns-snapshot";
}

/** What is known of the sites behind an address or a prefix. */
export interface CoHosting {
  /** The address or prefix asked about. */
  address: string;
  /** Distinct registrable domains seen behind it, passive DNS and the registry's snapshots together. */
  sites: number;
  /** `sites` is a lower bound: passive DNS alone held more than the sample read (`sampleLimit`). */
  atLeast: boolean;
  /** Up to `sample` of them, in site order. */
  sample: CoHostedSite[];
  /** Whether any passive-DNS file was ever loaded: without one, zero sites means unknown, not none. */
  passiveDnsLoaded: boolean;
  /** The passive-DNS files the count rests on, newest first (at most 10): where they came from, when loaded. */
  passiveDns: Array<{ id: number; source: string; sha256: string; loadedAt: string }>;
  /** The related sites (`CoHostingOptions.relatedSites`) found behind it; they count as one site together. */
  related: string[];
}

export interface CoHostingOptions {
  /** How many sites to list; 10 by default. */
  sample?: number;
  /**
   * How many passive-DNS sites to read per address to merge with the snapshots exactly; 100 by default. Past it
   * the count is passive DNS's own plus the snapshots' (`atLeast`): far past any threshold anyway.
   */
  sampleLimit?: number;
  /** Sites that count as one (an order's own sites and mirrors): unrelated sites are what a block would hit. */
  relatedSites?: ReadonlySet<string>;
}

/** Addresses per counting query: well under both engines' bound-parameter limits. */
const chunk = 500;

/**
 * The registrable domains behind an address or a prefix: passive-DNS observations loaded with `decree data
 * load-passive-dns`, and the names the registry's own DNS snapshots found on it (single addresses only: the
 * snapshots are kept by address text). One call per address; `coHostingOf` answers a batch.
 */
export async function coHostedDomains(
  db: Kysely<Database>,
  addressOrPrefix: string,
  options: CoHostingOptions = {},
): Promise<CoHosting> {
  const [found] = await coHostingOf(db, [addressOrPrefix], options);
  return found!;
}

/** The co-hosting of each address or prefix, in order; a few queries per 500 addresses. */
export async function coHostingOf(
  db: Kysely<Database>,
  addresses: readonly string[],
  options: CoHostingOptions = {},
): Promise<CoHosting[]> {
  const sampleSize = options.sample ?? 10;
  const sampleLimit = Math.max(options.sampleLimit ?? 100, sampleSize);
  const passiveDns = (
    await db
      .selectFrom("passive_dns_loads")
      .select(["id", "source", "sha256", "loaded_at"])
      .where("format", "!=", "pending")
      .orderBy("id", "desc")
      .limit(10)
      .execute()
  ).map((row) => ({ id: Number(row.id), source: row.source, sha256: row.sha256, loadedAt: row.loaded_at }));
  const passiveDnsLoaded = passiveDns.length > 0;
  const singles = addresses.filter((address) => !address.includes("/"));
  const snapshots = await namesOnAddresses(db, singles, 0);
  const counts = passiveDnsLoaded ? await passiveCounts(db, addresses) : new Map<string, number>();
  const results: CoHosting[] = [];
  for (const address of addresses) {
    const passive = counts.get(address) ?? 0;
    const sites = new Map<string, CoHostedSite>();
    if (passive > 0) {
      for (const row of await passiveSites(db, address, sampleLimit)) {
        sites.set(row.site, { site: row.site, name: row.name, seenBy: "passive-dns" });
      }
    }
    const complete = passive <= sampleLimit;
    let extra = 0;
    for (const seen of snapshots.get(address) ?? []) {
      if (sites.has(seen.site)) continue;
      sites.set(seen.site, { site: seen.site, name: seen.name, seenBy: "dns-snapshot" });
      extra++;
    }
    const sample = [...sites.values()].sort((a, b) => (a.site < b.site ? -1 : 1)).slice(0, sampleSize);
    const related = [...sites.keys()].filter((site) => options.relatedSites?.has(site)).sort();
    const total = complete ? sites.size : passive + extra;
    results.push({
      address,
      sites: related.length > 0 ? total - related.length + 1 : total,
      atLeast: !complete,
      sample,
      passiveDnsLoaded,
      passiveDns,
      related,
    });
  }
  return results;
}

async function passiveCounts(
  db: Kysely<Database>,
  addresses: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const byKey = new Map<string, string>();
  for (const address of addresses) {
    if (address.includes("/")) {
      const { first, last } = keyRange(address);
      const row = await db
        .selectFrom("passive_dns")
        .select((eb) => eb.fn.count<string>("site").distinct().as("sites"))
        .where("address_key", ">=", first)
        .where("address_key", "<=", last)
        .executeTakeFirst();
      counts.set(address, Number(row?.sites ?? 0));
      continue;
    }
    const key = addressKey(address);
    if (key !== null) byKey.set(key, address);
  }
  const keys = [...byKey.keys()];
  for (let start = 0; start < keys.length; start += chunk) {
    const rows = await db
      .selectFrom("passive_dns")
      .select(["address_key", (eb) => eb.fn.countAll<string>().as("sites")])
      .where("address_key", "in", keys.slice(start, start + chunk))
      .groupBy("address_key")
      .execute();
    for (const row of rows) counts.set(byKey.get(row.address_key)!, Number(row.sites));
  }
  return counts;
}

/** Sites in key order; for a prefix, the distinct sites of its addresses (one name each). */
async function passiveSites(
  db: Kysely<Database>,
  address: string,
  limit: number,
): Promise<Array<{ site: string; name: string }>> {
  if (!address.includes("/")) {
    const key = addressKey(address);
    if (key === null) return [];
    return db
      .selectFrom("passive_dns")
      .select(["site", "name"])
      .where("address_key", "=", key)
      .orderBy("site")
      .limit(limit)
      .execute();
  }
  const { first, last } = keyRange(address);
  return db
    .selectFrom("passive_dns")
    .select(["site", (eb) => eb.fn.min("name").as("name")])
    .where("address_key", ">=", first)
    .where("address_key", "<=", last)
    .groupBy("site")
    .orderBy("site")
    .limit(limit)
    .execute() as Promise<Array<{ site: string; name: string }>>;
}
