import type { CheckedTarget } from "./check.ts";

/** The host name a name-based check weighs: the name itself, a URL's host, or null for an address. */
export function targetHost(target: CheckedTarget): string | null {
  if (target.kind === "fqdn" || target.kind === "domain") return target.value;
  if (target.kind !== "url") return null;
  const host = new URL(target.value).hostname;
  // A URL's host may be an address literal ([2001:db8::1], 192.0.2.1): not a name.
  return host.startsWith("[") || /^[\d.]+$/.test(host) ? null : host;
}

/** The address or prefix an address-based check weighs: the value itself, a URL's address literal, or null. */
export function targetAddress(target: CheckedTarget): string | null {
  if (target.kind === "ip" || target.kind === "cidr") return target.value;
  if (target.kind !== "url") return null;
  const host = new URL(target.value).hostname;
  if (host.startsWith("[")) return host.slice(1, -1);
  return /^[\d.]+$/.test(host) ? host : null;
}
