import type { DnsAction } from "../intake/order-input.ts";

/** How the zone answers, registry-wide; an order may choose its own action (orders.dns_action). */
export interface RpzPolicy {
  /** The zone's apex, without trailing dot, e.g. `rpz.decree`. */
  zone: string;
  defaultAction: DnsAction;
  /** Where `stop-page` points (local data, draft-ietf-dnsop-dns-rpz §4.3); without one it falls back to NXDOMAIN. */
  stopPage: { ipv4?: string | undefined; ipv6?: string | undefined };
  /** TTL of every policy record: how long a resolver may keep a rewritten answer after a lift. */
  ttl: number;
  /**
   * The canary's name (canary-record.ts), e.g. `serial.check.decree.example`: each release puts its serial there
   * as RPZ local data; unset: no canary.
   */
  canaryName?: string | undefined;
}

export const defaultRpzPolicy: RpzPolicy = {
  zone: "rpz.decree",
  defaultAction: "nxdomain",
  stopPage: {},
  ttl: 60,
};
