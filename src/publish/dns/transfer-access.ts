import ipaddr from "ipaddr.js";

export interface TransferGrant {
  allowed: boolean;
  /** Who: the key's operator, or the address rule that matched; for the transfer log. */
  by: string;
}

/**
 * Who may transfer the zone (RFC 5936 §6 leaves the policy to the primary): a request signed with a known
 * operator key (RFC 8945), or, for consumers that cannot sign (Unbound has no TSIG), one from an allowed address.
 */
export function transferGrant(
  remoteAddress: string,
  signedBy: string | undefined,
  allowed: readonly string[],
): TransferGrant {
  if (signedBy) return { allowed: true, by: `key ${signedBy}` };
  const address = parseRemote(remoteAddress);
  if (!address) return { allowed: false, by: remoteAddress };
  for (const rule of allowed) {
    if (matches(address, rule)) return { allowed: true, by: `address ${rule}` };
  }
  return { allowed: false, by: remoteAddress };
}

function parseRemote(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const parsed = ipaddr.parse(text);
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
      ? (parsed as ipaddr.IPv6).toIPv4Address()
      : parsed;
  } catch {
    return undefined;
  }
}

function matches(address: ipaddr.IPv4 | ipaddr.IPv6, rule: string): boolean {
  try {
    const range = rule.includes("/")
      ? ipaddr.parseCIDR(rule)
      : ([ipaddr.parse(rule), rule.includes(":") ? 128 : 32] as const);
    return address.kind() === range[0].kind() && address.match(range[0], range[1]);
  } catch {
    return false;
  }
}
