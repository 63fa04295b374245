import ipaddr from "ipaddr.js";

/** A listed prefix and what the list says about it. */
export interface ListedRange<T> {
  range: string;
  entry: T;
}

export interface RangeMatch<T> extends ListedRange<T> {
  /** `inside`: the target is within the listed prefix; `contains`: the target prefix holds it. */
  relation: "inside" | "contains";
}

interface Interval<T> {
  first: bigint;
  last: bigint;
  listed: ListedRange<T>;
}

/**
 * Prefixes of IPv4 and IPv6 as integer intervals. A few hundred of them are scanned per target: cheaper than
 * any tree at this size, and a target prefix overlapping a listed one is found whichever holds the other.
 */
export class AddressRanges<T> {
  readonly #v4: Array<Interval<T>> = [];
  readonly #v6: Array<Interval<T>> = [];

  constructor(entries: Iterable<ListedRange<T>>) {
    for (const listed of entries) {
      const interval = toInterval(listed.range);
      (interval.v6 ? this.#v6 : this.#v4).push({ first: interval.first, last: interval.last, listed });
    }
  }

  get size(): number {
    return this.#v4.length + this.#v6.length;
  }

  /** The listed prefixes an address or prefix overlaps. */
  match(addressOrPrefix: string): Array<RangeMatch<T>> {
    const target = toInterval(addressOrPrefix);
    const matches: Array<RangeMatch<T>> = [];
    for (const interval of target.v6 ? this.#v6 : this.#v4) {
      if (target.first > interval.last || interval.first > target.last) continue;
      const inside = target.first >= interval.first && target.last <= interval.last;
      matches.push({ ...interval.listed, relation: inside ? "inside" : "contains" });
    }
    return matches;
  }
}

/** Throws on anything that is not an address or a prefix: callers validate data files before use. */
export function toInterval(text: string): { v6: boolean; first: bigint; last: bigint } {
  const [address, length] = text.includes("/")
    ? ipaddr.parseCIDR(text)
    : [ipaddr.parse(text), Number.NaN as number];
  const bytes = address.toByteArray();
  const bits = bytes.length * 8;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  const hostBits = BigInt(bits - (Number.isNaN(length) ? bits : length));
  const first = (value >> hostBits) << hostBits;
  return { v6: bytes.length === 16, first, last: first + (1n << hostBits) - 1n };
}
