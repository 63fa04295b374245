import { blackholeCommunities, blackholeRoute, defaultNextHops } from "../bgp/blackhole-route.ts";
import type { FeedRenderer } from "./feed-renderer.ts";

/** The route set as JSON, for a BGP speaker other than BIRD (GoBGP, ExaBGP, FRR glue: docs/operators/bgp.md). */
export const bgpJsonRenderer: FeedRenderer = {
  format: "bgp-json",
  contentType: "application/json; charset=utf-8",
  extension: "json",
  description:
    '{"serial","zone","checkpoint","communities":["65535:666","65535:65281"],"routes":[{prefix,nextHop}]}',
  async *render(pages, context) {
    const nextHops = context.nextHops ?? defaultNextHops;
    const checkpoint = context.checkpoint ? `"checkpoint":${JSON.stringify(context.checkpoint)},` : "";
    yield `{"serial":${context.serial},"zone":${JSON.stringify(context.zone)},${checkpoint}` +
      `"communities":${JSON.stringify(blackholeCommunities)},"routes":[`;
    let first = true;
    for await (const page of pages) {
      const lines = page.flatMap((entry) => {
        const route = blackholeRoute(entry, nextHops);
        return route ? [JSON.stringify({ prefix: route.prefix, nextHop: route.nextHop })] : [];
      });
      if (lines.length === 0) continue;
      yield `${first ? "\n" : ",\n"}${lines.join(",\n")}`;
      first = false;
    }
    yield first ? "]}\n" : "\n]}\n";
  },
};
