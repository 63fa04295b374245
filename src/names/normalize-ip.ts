import ipaddr from "ipaddr.js";
import { findSpecialRange, type IpAddress } from "./find-special-range.ts";
import { type NameWarning, type Normalized, type Refusal, refuse } from "./name-check.ts";
import { parseDottedQuad } from "./parse-dotted-quad.ts";

const prefixLength = /^(?:0|[1-9]\d{0,2})$/;
const narrowest = { ipv4: 24, ipv6: 48 } as const;
const fullLength = { ipv4: 32, ipv6: 128 } as const;

/**
 * Normalizes an IP address (`prefix` false) or prefix (`prefix` true) to its canonical text: dotted decimal
 * for IPv4, RFC 5952 for IPv6, `network/length` for prefixes. IPv4-mapped IPv6 becomes the IPv4 address it
 * stands for, since that is the address a resolver or router sees. Refuses what can never be a site's
 * address.
 */
export function normalizeIp(text: string, prefix: boolean): Normalized | Refusal {
  const slash = text.indexOf("/");
  const addressText = unbracket(slash < 0 ? text : text.slice(0, slash));
  const parsed = parseAddress(addressText);
  if (!parsed.ok) return parsed;
  let address = parsed.address;
  let length: number = fullLength[address.kind()];
  if (prefix) {
    const lengthText = slash < 0 ? "" : text.slice(slash + 1);
    if (!prefixLength.test(lengthText) || Number(lengthText) > length) {
      return refuse(
        "TARGET_INVALID_IP",
        `${text} has no valid prefix length: write the network, a slash and a length of 0 to ${length} ` +
          "bits, e.g. 188.114.97.0/24.",
        { input: text },
      );
    }
    length = Number(lengthText);
  }
  const warnings: NameWarning[] = [];
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() && length >= 96) {
    const mapped = address as ipaddr.IPv6;
    address = mapped.toIPv4Address();
    length -= 96;
    warnings.push(mappedWarning(text, address, length, prefix));
  }
  const refusal = prefix ? checkPrefix(text, address, length) : null;
  if (refusal) return refusal;
  const value = prefix ? `${canonical(address)}/${length}` : canonical(address);
  const special = checkSpecialRange(value, address, length);
  if (special) return special;
  return { ok: true, value, display: value, warnings };
}

type ParsedAddress = { ok: true; address: IpAddress };

function parseAddress(text: string): ParsedAddress | Refusal {
  if (!text.includes(":")) {
    const quad = parseDottedQuad(text);
    return quad.ok ? { ok: true, address: new ipaddr.IPv4(quad.octets) } : quad;
  }
  if (text.includes("%")) {
    return refuse(
      "TARGET_INVALID_IP",
      `${text} carries a zone id (after "%"), which names a network interface of one computer ` +
        "(RFC 4007 §11); it has no meaning elsewhere. Give the address without it.",
      { input: text },
    );
  }
  const hex = embeddedIpv4AsHex(text);
  if (typeof hex !== "string") return hex;
  if (!ipaddr.IPv6.isValid(hex)) return notIpv6(text);
  return { ok: true, address: ipaddr.IPv6.parse(hex) };
}

/**
 * Rewrites a trailing dotted quad (RFC 4291 §2.2 form 3) as two hex groups. ipaddr.js accepts any inet_aton
 * form there, and reads "::a.b.c.d" (IPv4-compatible, RFC 4291 §2.5.5.1) as if it were IPv4-mapped, so it
 * only ever sees the hex form.
 */
function embeddedIpv4AsHex(text: string): string | Refusal {
  const lastColon = text.lastIndexOf(":");
  if (!text.includes(".", lastColon)) return text;
  const quad = parseDottedQuad(text.slice(lastColon + 1));
  if (!quad.ok) return quad.code === "TARGET_IPV4_LEADING_ZERO" ? quad : notIpv6(text);
  const [a = 0, b = 0, c = 0, d = 0] = quad.octets;
  return `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

function notIpv6(text: string): Refusal {
  return refuse(
    "TARGET_INVALID_IP",
    `${text} is not a valid IPv6 address (RFC 4291 §2.2): eight groups of up to four hex digits ` +
      'separated by colons, with at most one "::" for a run of zero groups, e.g. 2606:4700:4700::1111.',
    { input: text },
  );
}

/** RFC 3986 §3.2.2 writes IPv6 in brackets in URLs; people paste them from there. */
function unbracket(text: string): string {
  return text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
}

function checkPrefix(text: string, address: IpAddress, length: number): Refusal | null {
  const network = networkOf(address, length);
  if (canonical(network) !== canonical(address)) {
    return refuse(
      "TARGET_CIDR_HOST_BITS",
      `${text} has host bits set after the first ${length} bits, so it is not a network. Did you mean ` +
        `${canonical(network)}/${length}, or the single address ${canonical(address)}?`,
      { input: text },
    );
  }
  const narrowestAllowed = narrowest[address.kind()];
  const family = address.kind() === "ipv4" ? "IPv4" : "IPv6";
  if (length < narrowestAllowed) {
    return refuse(
      "TARGET_PREFIX_TOO_WIDE",
      `${text} is wider than /${narrowestAllowed}, the widest prefix decree accepts for ${family}: a ` +
        "wider prefix spans many networks and their unrelated sites. Name the addresses the order means.",
      { input: text },
    );
  }
  return null;
}

function checkSpecialRange(subject: string, address: IpAddress, length: number): Refusal | null {
  const match = findSpecialRange(address, length);
  if (!match) return null;
  const { range, relation } = match;
  const where =
    subject === range.prefix
      ? "is"
      : relation === "inside"
        ? `lies in ${range.prefix},`
        : `contains ${range.prefix},`;
  const consequence =
    range.use === "private"
      ? "the same addresses are used inside countless private networks, so blocking them would hit those " +
        "networks, never the site. Give the site's public address."
      : "no public site lives there, so there is nothing to block. Check the address the order gives.";
  return refuse(
    range.use === "private" ? "TARGET_PRIVATE_RANGE" : "TARGET_SPECIAL_RANGE",
    `${subject} ${where} ${range.name}, ${range.purpose} (${range.source}); ${consequence}`,
    { input: subject, range: range.prefix, source: range.source },
  );
}

function networkOf(address: IpAddress, length: number): IpAddress {
  const bytes = address.toByteArray().map((byte, index) => {
    const bits = Math.min(8, Math.max(0, length - index * 8));
    return byte & ((0xff00 >> bits) & 0xff);
  });
  return ipaddr.fromByteArray(bytes);
}

function canonical(address: IpAddress): string {
  return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

function mappedWarning(text: string, address: IpAddress, length: number, prefix: boolean): NameWarning {
  const written = prefix ? `${canonical(address)}/${length}` : canonical(address);
  return {
    code: "NAME_IPV4_MAPPED",
    message:
      `${text} is an IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2); it was recorded as the IPv4 ` +
      `${prefix ? "prefix" : "address"} ${written}, which is what networks route.`,
  };
}
