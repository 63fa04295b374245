/**
 * The shape of what a person typed, read before any validation so that a kind can be inferred and an explicit
 * kind checked against it. The shapes are deliberately coarse; the normalizers decide what is valid.
 */
export type TargetShape =
  /** `scheme://…` */
  | "url"
  /** `javascript:…`, `mailto:…`, `data:…`: a scheme without an authority */
  | "other-scheme"
  /** an IPv4 or IPv6 literal, valid or not */
  | "ip"
  /** an IP literal followed by `/…` */
  | "cidr"
  /** `*.name` */
  | "wildcard"
  /** a name followed by a path, query, fragment or port, but no scheme */
  | "host-with-path"
  | "host";

const schemeWithAuthority = /^[a-z][a-z0-9+.-]*:\/\//i;
// A colon followed only by digits is `host:port`, not a scheme (RFC 3986 §3.2.3).
const schemeWithoutAuthority = /^[a-z][a-z0-9+.-]*:(?!\d*(?:[/?#]|$))/i;
const pathOrPort = /[/?#:\\]/;
// Two colons at least, hex digits and dots (embedded IPv4, even in a wrong form such as 0x1.1.1.1), optional
// zone and brackets (RFC 4291 §2.2, RFC 6874).
const ipv6Like = /^\[?[0-9a-f.]*:[0-9a-f.]*:[0-9a-fx:.]*(?:%[^\]]*)?\]?$/i;
const bracketed = /^\[.*\]$/;
// Browsers read a host made only of decimal or 0x-hex numbers as IPv4 in any of its legacy forms (WHATWG URL
// "IPv4 parser"), so such input is an IPv4 attempt, never a host name.
const ipv4Like = /^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+))*\.?$/i;

export function inferTargetShape(text: string): TargetShape {
  if (schemeWithAuthority.test(text)) return "url";
  const ip = ipShape(text);
  if (ip) return ip;
  if (schemeWithoutAuthority.test(text)) return "other-scheme";
  if (text.startsWith("*.")) return pathOrPort.test(text) ? "host-with-path" : "wildcard";
  return pathOrPort.test(text) ? "host-with-path" : "host";
}

function ipShape(text: string): "ip" | "cidr" | null {
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  if (!isIpLiteralLike(address)) return null;
  return slash < 0 ? "ip" : "cidr";
}

export function isIpLiteralLike(text: string): boolean {
  return ipv4Like.test(text) || ipv6Like.test(text) || bracketed.test(text);
}
