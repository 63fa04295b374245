import ipaddr from "ipaddr.js";
import { type SpecialRange, specialPurposeRanges } from "./special-purpose-ranges.ts";

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** `inside`: the target lies in the range (or is it); `contains`: the target prefix covers the range. */
export type SpecialRangeMatch = { range: SpecialRange; relation: "inside" | "contains" };

type ParsedRange = { range: SpecialRange; network: IpAddress; length: number };

const parsedRanges: readonly ParsedRange[] = specialPurposeRanges.map((range) => {
  const [network, length] = ipaddr.parseCIDR(range.prefix);
  return { range, network, length };
});

/**
 * The special-purpose range that the prefix `address/length` touches: the most specific range it lies in, or
 * else the first range it contains. A host address is the prefix of its full length (/32, /128).
 */
export function findSpecialRange(address: IpAddress, length: number): SpecialRangeMatch | null {
  let inside: ParsedRange | null = null;
  let contains: ParsedRange | null = null;
  for (const parsed of parsedRanges) {
    if (parsed.network.kind() !== address.kind()) continue;
    if (parsed.length <= length && address.match(parsed.network, parsed.length)) {
      if (!inside || parsed.length > inside.length) inside = parsed;
    } else if (!contains && length < parsed.length && parsed.network.match(address, length)) {
      contains = parsed;
    }
  }
  if (inside) return { range: inside.range, relation: "inside" };
  return contains ? { range: contains.range, relation: "contains" } : null;
}
