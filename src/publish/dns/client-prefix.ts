import ipaddr from "ipaddr.js";

/**
 * The network a client address belongs to, as `address/bits`, for limits that count per client: one host has
 * one IPv4 address but a whole IPv6 prefix to pick from, so IPv6 clients are counted by their prefix. A peer
 * reported as an IPv4-mapped IPv6 address (a dual-stack socket) counts as the IPv4 address. Text that is no
 * address counts as itself.
 */
export function clientPrefix(address: string, ipv4Bits: number, ipv6Bits: number): string {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return address;
  }
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const bits = parsed.kind() === "ipv4" ? ipv4Bits : ipv6Bits;
  const octets = parsed.toByteArray();
  for (let index = 0; index < octets.length; index++) {
    const keep = Math.max(0, Math.min(8, bits - index * 8));
    octets[index] = octets[index]! & ((0xff << (8 - keep)) & 0xff);
  }
  return `${ipaddr.fromByteArray(octets).toString()}/${bits}`;
}
