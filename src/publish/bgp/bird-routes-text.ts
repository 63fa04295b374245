import type { FeedContext } from "../renderers/feed-renderer.ts";
import { checkpointComment } from "../renderers/feed-renderer.ts";
import { type BlackholeRoute, blackholeCommunity, noExportCommunity } from "./blackhole-route.ts";

/** The static protocols decree's routes live in: the speaker's configuration exports exactly these. */
export const birdStaticProtocols = { ipv4: "decree_blackhole_v4", ipv6: "decree_blackhole_v6" } as const;

const birdPair = (community: string) => `(${community.replace(":", ",")})`;

/**
 * One static route in BIRD 2 syntax: `blackhole` locally, and in BGP the configured next hop with the
 * BLACKHOLE (RFC 7999) and NO_EXPORT (RFC 1997) communities, set on the route itself so that any BGP
 * protocol exporting it carries them.
 */
export function birdRouteLine(route: BlackholeRoute): string {
  return (
    `  route ${route.prefix} blackhole { bgp_next_hop = ${route.nextHop}; ` +
    `bgp_community.add(${birdPair(blackholeCommunity)}); bgp_community.add(${birdPair(noExportCommunity)}); };\n`
  );
}

export function birdRoutesHeader(context: FeedContext): string {
  return [
    `# decree route feed: blackhole routes of the blocked addresses of RPZ zone ${context.zone}, serial ${context.serial}`,
    ...checkpointComment(context, "#"),
    "# A BIRD 2 include: two static protocols, reloaded whole by `birdc configure`.",
    "",
  ].join("\n");
}

export function birdProtocolOpen(family: "ipv4" | "ipv6"): string {
  return `protocol static ${birdStaticProtocols[family]} {\n  ${family};\n`;
}

export const birdProtocolClose = "}\n";

/**
 * The whole include from routes in any order: IPv4 protocol then IPv6, each a static protocol BIRD reconfigures
 * in place, so a reload withdraws what left and announces what came without resetting any BGP session.
 */
export async function* birdRoutesText(
  routes: AsyncIterable<BlackholeRoute[]> | Iterable<BlackholeRoute[]>,
  context: FeedContext,
): AsyncGenerator<string> {
  yield birdRoutesHeader(context);
  yield birdProtocolOpen("ipv4");
  // IPv6 lines wait for the IPv4 block to close: the entries do not come sorted by family.
  const ipv6: string[] = [];
  for await (const page of routes) {
    let chunk = "";
    for (const route of page) {
      if (route.family === "ipv4") chunk += birdRouteLine(route);
      else ipv6.push(birdRouteLine(route));
    }
    if (chunk) yield chunk;
  }
  yield birdProtocolClose;
  yield birdProtocolOpen("ipv6");
  yield ipv6.join("");
  yield birdProtocolClose;
}
