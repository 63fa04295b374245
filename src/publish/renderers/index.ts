import { DecreeError } from "../../errors/decree-error.ts";
import { adblockRenderer } from "./adblock-renderer.ts";
import { bgpJsonRenderer } from "./bgp-json-renderer.ts";
import { birdRenderer } from "./bird-renderer.ts";
import { cidrRenderer } from "./cidr-renderer.ts";
import { csvRenderer } from "./csv-renderer.ts";
import { dnsmasqRenderer } from "./dnsmasq-renderer.ts";
import type { FeedRenderer } from "./feed-renderer.ts";
import { hostsRenderer } from "./hosts-renderer.ts";
import { jsonRenderer } from "./json-renderer.ts";
import { listRenderer } from "./list-renderer.ts";
import { nftablesRenderer } from "./nftables-renderer.ts";
import { piracyShieldFqdnRenderer } from "./piracy-shield-fqdn-renderer.ts";
import { piracyShieldIpv4Renderer } from "./piracy-shield-ipv4-renderer.ts";
import { piracyShieldIpv6Renderer } from "./piracy-shield-ipv6-renderer.ts";
import { rpzRenderer } from "./rpz-renderer.ts";
import { unboundRenderer } from "./unbound-renderer.ts";

/** Every feed format, in the order `GET /feeds` lists them: resolvers first, then lists, then firewalls and routers. */
export const feedRenderers: readonly FeedRenderer[] = [
  rpzRenderer,
  unboundRenderer,
  dnsmasqRenderer,
  hostsRenderer,
  adblockRenderer,
  listRenderer,
  csvRenderer,
  jsonRenderer,
  cidrRenderer,
  nftablesRenderer,
  birdRenderer,
  bgpJsonRenderer,
  piracyShieldFqdnRenderer,
  piracyShieldIpv4Renderer,
  piracyShieldIpv6Renderer,
];

export function rendererFor(format: string): FeedRenderer {
  const renderer = feedRenderers.find((candidate) => candidate.format === format);
  if (renderer) return renderer;
  throw new DecreeError(
    "FEED_UNKNOWN_FORMAT",
    `There is no feed format "${format}"; the formats are ${feedRenderers.map((r) => r.format).join(", ")}.`,
  );
}
