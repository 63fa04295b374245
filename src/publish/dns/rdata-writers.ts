// RDATA encoders for the types in RData (RFC 1035 §3.3, §3.4.1; RFC 3596 §2.2). Names inside NS, CNAME and
// SOA RDATA are compressed, which RFC 1035 §4.1.4 allows for these types and RFC 3597 §4 forbids for any
// other.
import ipaddr from "ipaddr.js";
import type { NameCompressor } from "./name-compressor.ts";
import type { RData } from "./record-to-write.ts";
import { RRType } from "./rr-type.ts";

const maxCharacterString = 255;
const maxRdata = 0xffff;

/** Type code of the record carrying `data`. */
export function rrTypeOf(data: RData): RRType {
  switch (data.type) {
    case "A":
      return RRType.A;
    case "AAAA":
      return RRType.AAAA;
    case "CNAME":
      return RRType.CNAME;
    case "NS":
      return RRType.NS;
    case "SOA":
      return RRType.SOA;
    case "TXT":
      return RRType.TXT;
  }
}

/**
 * Most octets `data` can take on the wire, before compression: the room a writer must have before writing.
 */
export function rdataBound(data: RData): number {
  switch (data.type) {
    case "A":
      return 4;
    case "AAAA":
      return 16;
    case "CNAME":
    case "NS":
      return data.target.length + 2;
    case "SOA":
      return data.soa.mname.length + data.soa.rname.length + 24;
    case "TXT":
      return txtLength(data.texts);
  }
}

/**
 * Writes the RDATA at `position` and returns the offset after it. Throws on values that cannot be encoded.
 */
export function writeRdata(message: Buffer, position: number, data: RData, names: NameCompressor): number {
  switch (data.type) {
    case "CNAME":
    case "NS":
      return names.write(message, position, data.target, true);
    case "A":
      message.set(ipv4Octets(data.address), position);
      return position + 4;
    case "AAAA":
      message.set(ipv6Octets(data.address), position);
      return position + 16;
    case "SOA": {
      const { soa } = data;
      let end = names.write(message, position, soa.mname, true);
      end = names.write(message, end, soa.rname, true);
      for (const value of [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum]) {
        end = writeUint32(message, end, value, "SOA field");
      }
      return end;
    }
    case "TXT":
      return writeTexts(message, position, data.texts);
  }
}

/** Writes an unsigned 32-bit integer in network order; throws when `value` is not one. */
export function writeUint32(message: Buffer, position: number, value: number, what: string): number {
  if (value >>> 0 !== value) throw new Error(`${what} must be an integer from 0 to 2^32 - 1, not ${value}`);
  message[position] = value >>> 24;
  message[position + 1] = value >>> 16;
  message[position + 2] = value >>> 8;
  message[position + 3] = value;
  return position + 4;
}

// Zones repeat one or two stop-page addresses many times, so the last one parsed is kept.
let lastIpv4 = "";
let lastIpv4Octets = new Uint8Array(4);
let lastIpv6 = "";
let lastIpv6Octets = new Uint8Array(16);

function ipv4Octets(address: string): Uint8Array {
  if (address !== lastIpv4) {
    // Four plain decimal numbers only: inet_aton's other forms are read differently by different software.
    if (!ipaddr.IPv4.isValidFourPartDecimal(address)) throw new Error(`not an IPv4 address: ${address}`);
    lastIpv4Octets = Uint8Array.from(ipaddr.IPv4.parse(address).toByteArray());
    lastIpv4 = address;
  }
  return lastIpv4Octets;
}

function ipv6Octets(address: string): Uint8Array {
  if (address !== lastIpv6) {
    if (address.includes("%") || !ipaddr.IPv6.isValid(address)) {
      throw new Error(`not an IPv6 address: ${address}`);
    }
    lastIpv6Octets = Uint8Array.from(ipaddr.IPv6.parse(address).toByteArray());
    lastIpv6 = address;
  }
  return lastIpv6Octets;
}

/**
 * RFC 1035 §3.3.14: one or more <character-string>s, each a length octet and up to 255 octets (UTF-8 here).
 */
function txtLength(texts: readonly string[]): number {
  if (texts.length === 0) throw new Error("a TXT record holds at least one string (RFC 1035 §3.3.14)");
  let length = 0;
  for (const text of texts) {
    const octets = Buffer.byteLength(text, "utf8");
    if (octets > maxCharacterString) throw new Error(`TXT string over 255 octets: ${text.slice(0, 40)}…`);
    length += 1 + octets;
  }
  if (length > maxRdata) throw new Error("TXT RDATA over 65,535 octets");
  return length;
}

function writeTexts(message: Buffer, position: number, texts: readonly string[]): number {
  let end = position;
  for (const text of texts) {
    const octets = message.write(text, end + 1, "utf8");
    message[end] = octets;
    end += 1 + octets;
  }
  return end;
}
