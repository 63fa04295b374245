import { isIP } from "node:net";
import { DecreeError } from "../../errors/decree-error.ts";
import type { FeedEntry } from "../feeds/feed-entries.ts";

/** BLACKHOLE, the well-known community asking the receiver to discard traffic to the prefix (RFC 7999 §5). */
export const blackholeCommunity = "65535:666";
/** NO_EXPORT (RFC 1997): the receiver must not announce the route outside its own AS (RFC 7999 §3.2 asks it). */
export const noExportCommunity = "65535:65281";
export const blackholeCommunities = [blackholeCommunity, noExportCommunity] as const;

/** The next hop each family's routes carry: the address an operator's routers send to their discard interface. */
export interface NextHops {
  ipv4: string;
  ipv6: string;
}

/**
 * 192.0.2.1 is the conventional remotely-triggered blackhole next hop (RFC 5635 §3, from TEST-NET-1, RFC 5737);
 * 100::1 is in the IPv6 discard-only prefix (RFC 6666).
 */
export const defaultNextHops: NextHops = { ipv4: "192.0.2.1", ipv6: "100::1" };

/** One route decree asks its BGP daemon to announce: a blocked address (/32, /128) or prefix, to the discard. */
export interface BlackholeRoute {
  prefix: string;
  family: "ipv4" | "ipv6";
  nextHop: string;
}

/** The route of an address or prefix entry; names are not routed, so undefined. */
export function blackholeRoute(entry: FeedEntry, nextHops: NextHops): BlackholeRoute | undefined {
  if (entry.kind !== "ip" && entry.kind !== "cidr") return undefined;
  const family = entry.value.includes(":") ? "ipv6" : "ipv4";
  const prefix = entry.kind === "cidr" ? entry.value : `${entry.value}/${family === "ipv6" ? 128 : 32}`;
  return { prefix, family, nextHop: nextHops[family] };
}

/** Next hops as configured, each checked to be an address of its family. */
export function parseNextHops(ipv4: string | undefined, ipv6: string | undefined): NextHops {
  const hops = { ipv4: ipv4 ?? defaultNextHops.ipv4, ipv6: ipv6 ?? defaultNextHops.ipv6 };
  for (const [family, version, address] of [
    ["ipv4", 4, hops.ipv4],
    ["ipv6", 6, hops.ipv6],
  ] as const) {
    if (isIP(address) !== version) {
      throw new DecreeError(
        "BGP_NEXT_HOP_INVALID",
        `The BGP next hop for ${family} routes is "${address}", which is not an ${family === "ipv4" ? "IPv4" : "IPv6"} ` +
          `address: give one (default ${defaultNextHops[family]}), the address your routers send to discard.`,
      );
    }
  }
  return hops;
}
