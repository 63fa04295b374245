/**
 * What a target reaches (docs/ARCHITECTURE.md, "target"): `fqdn` exactly one name, `domain` a name and every name below
 * it, `url` one page (for search de-listing), `ip` one address, `cidr` one prefix.
 */
export const targetKinds = ["fqdn", "domain", "url", "ip", "cidr"] as const;

export type TargetKind = (typeof targetKinds)[number];

export function isTargetKind(s: string): s is TargetKind {
  return (targetKinds as readonly string[]).includes(s);
}
