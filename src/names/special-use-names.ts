/**
 * Names that never denote a public site, so an order naming them (or a name under them) is a mistake. From
 * the IANA Special-Use Domain Names registry (RFC 6761 §3) and ICANN's reservation of .internal. All of .arpa
 * is here, not only home.arpa, in-addr.arpa and ip6.arpa: RFC 3172 keeps .arpa for Internet infrastructure,
 * and blocking any of it (reverse DNS, ipv4only.arpa) would break resolvers, never reach a site.
 */
export type SpecialUseName = { name: string; purpose: string; source: string };

export const specialUseNames: readonly SpecialUseName[] = [
  { name: "localhost", purpose: "reserved for the computer itself", source: "RFC 6761 §6.3" },
  { name: "invalid", purpose: "reserved to never exist", source: "RFC 6761 §6.4" },
  { name: "test", purpose: "reserved for testing", source: "RFC 6761 §6.2" },
  { name: "example", purpose: "reserved for documentation", source: "RFC 6761 §6.5" },
  { name: "example.com", purpose: "reserved for documentation", source: "RFC 6761 §6.5" },
  { name: "example.net", purpose: "reserved for documentation", source: "RFC 6761 §6.5" },
  { name: "example.org", purpose: "reserved for documentation", source: "RFC 6761 §6.5" },
  { name: "local", purpose: "reserved for multicast DNS on the local link", source: "RFC 6762 §3" },
  {
    name: "onion",
    purpose: "reserved for Tor onion services, unknown to the public DNS",
    source: "RFC 7686",
  },
  { name: "alt", purpose: "reserved for name systems other than the DNS", source: "RFC 9476" },
  {
    name: "internal",
    purpose: "reserved for private networks",
    source: "ICANN Board resolution of 29 July 2024",
  },
  { name: "home.arpa", purpose: "reserved for home networks", source: "RFC 8375" },
  { name: "in-addr.arpa", purpose: "reserved for the IPv4 reverse-mapping tree", source: "RFC 1035 §3.5" },
  { name: "ip6.arpa", purpose: "reserved for the IPv6 reverse-mapping tree", source: "RFC 3596 §2.5" },
  { name: "ipv4only.arpa", purpose: "reserved for NAT64 prefix discovery", source: "RFC 8880" },
  { name: "arpa", purpose: "reserved for Internet infrastructure", source: "RFC 3172" },
];
