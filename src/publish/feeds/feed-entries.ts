import { DecreeError } from "../../errors/decree-error.ts";
import type { DnsAction } from "../../intake/order-input.ts";
import { isCanaryRecord } from "../canary-record.ts";
import { prefixFromRpzIpOwner, stricterAction, type ZoneRecord } from "../rpz-records.ts";

export const feedEntryKinds = ["fqdn", "domain", "ip", "cidr"] as const;
export type FeedEntryKind = (typeof feedEntryKinds)[number];

/** One blocked thing as feeds for resolvers without RPZ see it: a name or an address, and what to answer. */
export interface FeedEntry {
  kind: FeedEntryKind;
  /** The name (relative to nothing: `allostreaming.com`), the address, or the prefix (`192.0.2.0/24`). */
  value: string;
  action: DnsAction;
  /** For `stop-page`: the stop page's addresses, as the zone's A and AAAA local data carries them. */
  addresses?: string[];
}

/** The records at some owners, whatever their order: how the stream asks about owners outside its page. */
export type OwnerLookup = (owners: string[]) => Promise<ZoneRecord[]>;

/**
 * Turns the zone's records, page by page, into feed entries, page by page.
 *
 * A domain is two owners, `x` and `*.x` (draft-ietf-dnsop-dns-rpz §5.1), and the two are NOT neighbours in
 * the store's order: "*" (0x2A) sorts below every letter and digit, so in a binary collation (SQLite,
 * PostgreSQL with "C") every wildcard comes before every plain name, while a linguistic collation (PostgreSQL
 * en_US) may put them side by side. Rather than depend on a collation, each page asks `lookup` about the
 * partners it does not hold: for `x` whether `*.x` exists, for `*.x` whether `x` does. The entry is emitted
 * where `x` appears; a wildcard whose name is also present is skipped. Records of one owner are adjacent in
 * any order, but a page may end between them (a stop page's A and AAAA), so a page's last owner waits for
 * the next page.
 */
export async function* feedEntries(
  pages: AsyncIterable<ZoneRecord[]>,
  lookup: OwnerLookup,
): AsyncGenerator<FeedEntry[]> {
  let carried: ZoneRecord[] = [];
  for await (const whole of pages) {
    // The canary is the zone's own state, not a blocked name: feeds for resolvers without RPZ never carry it.
    const page = whole.some(isCanaryRecord) ? whole.filter((record) => !isCanaryRecord(record)) : whole;
    const records = carried.length === 0 ? page : carried.concat(page);
    const cut = startOfLastOwner(records);
    carried = records.slice(cut);
    if (cut > 0) yield await entriesOfPage(records, cut, lookup);
  }
  if (carried.length > 0) yield await entriesOfPage(carried, carried.length, lookup);
}

function startOfLastOwner(records: ZoneRecord[]): number {
  const last = records.at(-1)?.owner;
  let index = records.length;
  while (index > 0 && records[index - 1]!.owner === last) index -= 1;
  return index;
}

/** The entries of `records[0..end)`, whose owners are complete: no record of theirs is in another page. */
async function entriesOfPage(records: ZoneRecord[], end: number, lookup: OwnerLookup): Promise<FeedEntry[]> {
  const owners = new Map<string, ZoneRecord[]>();
  for (let start = 0; start < end; ) {
    const owner = records[start]!.owner;
    let stop = start + 1;
    while (stop < end && records[stop]!.owner === owner) stop += 1;
    owners.set(owner, stop === start + 1 ? [records[start]!] : records.slice(start, stop));
    start = stop;
  }
  const missing: string[] = [];
  for (const owner of owners.keys()) {
    const partner = partnerOf(owner);
    if (partner !== undefined && !owners.has(partner)) missing.push(partner);
  }
  const partners =
    missing.length > 0
      ? groupByOwner((await lookup(missing)).filter((record) => !isCanaryRecord(record)))
      : new Map<string, ZoneRecord[]>();
  const entries: FeedEntry[] = [];
  for (const [owner, group] of owners) {
    if (isRpzIpOwner(owner)) {
      entries.push(addressEntry(owner, group));
    } else if (owner.startsWith("*.")) {
      const name = owner.slice(2);
      // Emitted with its name; alone (which decree never writes) it still blocks the subdomains, so: domain.
      if (!owners.has(name) && !partners.has(name)) entries.push(nameEntry(name, undefined, group)!);
    } else {
      const wildcard = `*.${owner}`;
      entries.push(nameEntry(owner, group, owners.get(wildcard) ?? partners.get(wildcard))!);
    }
  }
  return entries;
}

/**
 * The entry for one name from its own records and its wildcard's: both make a domain, the name alone an fqdn.
 * Feeds carry one action per name; if the two owners differ (two orders, one per kind) the stricter wins, as
 * between orders in the zone itself.
 */
export function nameEntry(
  name: string,
  exact: ZoneRecord[] | undefined,
  wildcard: ZoneRecord[] | undefined,
): FeedEntry | undefined {
  if (!exact && !wildcard) return undefined;
  if (!wildcard) return withAction("fqdn", name, exact!);
  if (!exact) return withAction("domain", name, wildcard);
  const own = withAction("domain", name, exact);
  const below = withAction("domain", name, wildcard);
  const action = stricterAction(own.action, below.action);
  if (action !== "stop-page") return { kind: "domain", value: name, action };
  const addresses = [...new Set([...(own.addresses ?? []), ...(below.addresses ?? [])])];
  return { kind: "domain", value: name, action, addresses };
}

/** A response-IP trigger (§5.3): a host-length prefix is an address, anything shorter a prefix. */
export function addressEntry(owner: string, records: ZoneRecord[]): FeedEntry {
  const prefix = prefixFromRpzIpOwner(owner);
  const [address, length] = prefix.split("/") as [string, string];
  const hostLength = address.includes(":") ? "128" : "32";
  return length === hostLength ? withAction("ip", address, records) : withAction("cidr", prefix, records);
}

/** The owner that completes `owner`'s meaning: `x` and `*.x` complete each other; addresses stand alone. */
export function partnerOf(owner: string): string | undefined {
  if (isRpzIpOwner(owner)) return undefined;
  return owner.startsWith("*.") ? owner.slice(2) : `*.${owner}`;
}

export function isRpzIpOwner(owner: string): boolean {
  return owner.endsWith(".rpz-ip");
}

export function groupByOwner(records: ZoneRecord[]): Map<string, ZoneRecord[]> {
  const owners = new Map<string, ZoneRecord[]>();
  for (const record of records) {
    const group = owners.get(record.owner);
    if (group) group.push(record);
    else owners.set(record.owner, [record]);
  }
  return owners;
}

/**
 * The entry an owner's records make (draft-ietf-dnsop-dns-rpz §4): CNAME `.` is NXDOMAIN, CNAME `*.` NODATA,
 * A/AAAA local data the stop page. Written for the common case, one CNAME, since it runs once per entry.
 */
function withAction(kind: FeedEntryKind, value: string, records: ZoneRecord[]): FeedEntry {
  const first = records[0]!;
  if (first.rtype === "CNAME") {
    if (first.rdata === ".") return { kind, value, action: "nxdomain" };
    if (first.rdata === "*.") return { kind, value, action: "nodata" };
    throw new DecreeError(
      "INTERNAL",
      `The zone has ${first.owner} CNAME ${first.rdata}, which decree never writes.`,
    );
  }
  const v4 = records.filter((r) => r.rtype === "A").map((r) => r.rdata);
  const v6 = records.filter((r) => r.rtype === "AAAA").map((r) => r.rdata);
  return { kind, value, action: "stop-page", addresses: [...v4.sort(), ...v6.sort()] };
}
