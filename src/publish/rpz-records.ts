import ipaddr from "ipaddr.js";
import type { DnsAction } from "../intake/order-input.ts";
import type { TargetKind } from "../names/target-kind.ts";
import type { RpzPolicy } from "./rpz-policy.ts";

/**
 * A record of the RPZ zone; `owner` is relative to the apex (`allostreaming.com`, `*.allostreaming.com`). TXT is
 * the canary's only (canary-record.ts).
 */
export interface ZoneRecord {
  owner: string;
  rtype: "CNAME" | "A" | "AAAA" | "TXT";
  rdata: string;
}

/**
 * Where each target kind triggers (draft-ietf-dnsop-dns-rpz §5): a QNAME trigger matches the name only, so a
 * `domain` needs the name and its `*.` wildcard; addresses and prefixes become response-IP triggers under
 * `rpz-ip`. URLs are for search engines and have no place in DNS.
 */
export function ownersForTarget(kind: TargetKind, value: string): string[] {
  switch (kind) {
    case "fqdn":
      return [value];
    case "domain":
      return [value, `*.${value}`];
    case "ip":
      return [rpzIpOwner(value.includes(":") ? `${value}/128` : `${value}/32`)];
    case "cidr":
      return [rpzIpOwner(value)];
    case "url":
      return [];
  }
}

/**
 * The values whose targets can produce a given owner: the name itself for QNAME triggers; for a host-length
 * response-IP trigger both the address and its /32 or /128 prefix.
 */
export function valuesForOwner(owner: string): string[] {
  if (!owner.endsWith(".rpz-ip")) return [owner.startsWith("*.") ? owner.slice(2) : owner];
  const prefix = prefixFromRpzIpOwner(owner);
  const [address, length] = prefix.split("/");
  const hostLength = address?.includes(":") ? "128" : "32";
  return length === hostLength ? [prefix, address!] : [prefix];
}

/** The records an owner carries for an action (draft-ietf-dnsop-dns-rpz §4). */
export function recordsForAction(owner: string, action: DnsAction, policy: RpzPolicy): ZoneRecord[] {
  if (action === "stop-page" && (policy.stopPage.ipv4 || policy.stopPage.ipv6)) {
    const records: ZoneRecord[] = [];
    if (policy.stopPage.ipv4) records.push({ owner, rtype: "A", rdata: policy.stopPage.ipv4 });
    if (policy.stopPage.ipv6) records.push({ owner, rtype: "AAAA", rdata: policy.stopPage.ipv6 });
    return records;
  }
  // CNAME to the root is NXDOMAIN; to the wildcard root, NODATA (§4.1, §4.2).
  return [{ owner, rtype: "CNAME", rdata: action === "nodata" ? "*." : "." }];
}

/** When two orders name the same owner with different actions, the stricter wins, whatever their order. */
const strictness: Record<DnsAction, number> = { nxdomain: 3, nodata: 2, "stop-page": 1 };

export function stricterAction(a: DnsAction, b: DnsAction): DnsAction {
  return strictness[a] >= strictness[b] ? a : b;
}

/** `192.0.2.0/24` → `24.0.2.0.192.rpz-ip`; IPv6 by 16-bit groups, `zz` standing for `::` (§5.3). */
export function rpzIpOwner(prefix: string): string {
  const [address, length] = prefix.split("/") as [string, string];
  if (!address.includes(":")) return `${length}.${address.split(".").reverse().join(".")}.rpz-ip`;
  const canonical = ipaddr.IPv6.parse(address).toRFC5952String();
  const groups = canonical.split(":").map((group) => (group === "" ? "zz" : group));
  // `::` at either end leaves two empty groups; one `zz` stands for the whole run.
  const collapsed = groups.filter((group, index) => !(group === "zz" && groups[index - 1] === "zz"));
  return `${length}.${collapsed.reverse().join(".")}.rpz-ip`;
}

export function prefixFromRpzIpOwner(owner: string): string {
  const labels = owner.slice(0, -".rpz-ip".length).split(".");
  const [length, ...reversed] = labels;
  const parts = reversed.reverse();
  if (parts.length === 4 && parts.every((part) => /^\d+$/.test(part))) return `${parts.join(".")}/${length}`;
  const address = parts.map((part) => (part === "zz" ? "" : part)).join(":");
  const normalized = ipaddr.IPv6.parse(
    address.startsWith(":") ? `:${address}` : address.endsWith(":") ? `${address}:` : address,
  );
  return `${normalized.toRFC5952String()}/${length}`;
}
