import { birdRoutesText } from "../bgp/bird-routes-text.ts";
import { blackholeRoute, defaultNextHops } from "../bgp/blackhole-route.ts";
import type { FeedEntry } from "../feeds/feed-entries.ts";
import type { FeedRenderer } from "./feed-renderer.ts";

/**
 * The blocked addresses and prefixes as BIRD 2 static blackhole routes with the BLACKHOLE (RFC 7999) and
 * NO_EXPORT (RFC 1997) communities: the very file decree's own BIRD includes (publish/bgp/bird-speaker.ts).
 */
export const birdRenderer: FeedRenderer = {
  format: "bird",
  contentType: "text/plain; charset=utf-8",
  extension: "conf",
  description:
    "BIRD 2 include: static blackhole routes (/32, /128, prefixes) with communities 65535:666 and NO_EXPORT",
  render(pages, context) {
    const nextHops = context.nextHops ?? defaultNextHops;
    return birdRoutesText(routePages(pages, nextHops), context);
  },
};

async function* routePages(pages: AsyncIterable<FeedEntry[]>, nextHops = defaultNextHops) {
  for await (const page of pages) {
    const routes = page.flatMap((entry) => blackholeRoute(entry, nextHops) ?? []);
    if (routes.length > 0) yield routes;
  }
}
