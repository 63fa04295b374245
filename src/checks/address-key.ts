import ipaddr from "ipaddr.js";
import { toInterval } from "./address-ranges.ts";

/**
 * The store's key of an address: "4" and 8 hex digits, or "6" and 32. Keys of one family have one width, so
 * their text order is address order and a prefix is a range of keys (BETWEEN), on SQLite and PostgreSQL alike.
 * Null when the text is no address.
 */
export function addressKey(text: string): string | null {
  const v4 = v4Key(text);
  if (v4 !== null) return v4;
  if (!text.includes(":") || !ipaddr.IPv6.isValid(text)) return null;
  const address = ipaddr.IPv6.parse(text);
  // An IPv4-mapped address is the IPv4 address a resolver hands out, as names/ canonicalises it.
  if (address.isIPv4MappedAddress()) return v4Key(address.toIPv4Address().toString());
  return `6${address.parts.map((part) => part.toString(16).padStart(4, "0")).join("")}`;
}

/** Dotted decimal without the cost of a parser: this runs once per line of a passive-DNS file. */
function v4Key(text: string): string | null {
  let key = "4";
  let octets = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 46;
    if (code >= 48 && code <= 57) {
      // A leading zero (010.1.1.1) reads as octal to some parsers: not dotted decimal.
      if (digits > 0 && value === 0) return null;
      value = value * 10 + code - 48;
      if (++digits > 3 || value > 255) return null;
    } else if (code === 46) {
      if (digits === 0 || ++octets > 4) return null;
      key += hexByte[value];
      value = 0;
      digits = 0;
    } else return null;
  }
  return octets === 4 ? key : null;
}

const hexByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** The first and last key of an address or prefix. */
export function keyRange(addressOrPrefix: string): { first: string; last: string } {
  const { v6, first, last } = toInterval(addressOrPrefix);
  const width = v6 ? 32 : 8;
  const family = v6 ? "6" : "4";
  return {
    first: family + first.toString(16).padStart(width, "0"),
    last: family + last.toString(16).padStart(width, "0"),
  };
}
