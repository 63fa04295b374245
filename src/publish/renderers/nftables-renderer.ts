import type { FeedRenderer } from "./feed-renderer.ts";
import { checkpointComment } from "./feed-renderer.ts";

/** Elements per `add element` command: keeps lines short and the stream flowing. */
const elementsPerLine = 1000;

/**
 * nftables sets of the blocked addresses and prefixes (nft(8), "SETS"), for `nft -f`:
 * `table inet decree { set decree_v4 { type ipv4_addr; flags interval; ... } set decree_v6 { ... } }`, then
 * the elements. The sets are declared empty and filled by `add element` lines rather than one
 * `elements = { ... }`, because a stream cannot know in advance whether a set will have any (an empty
 * `elements = { }` does not parse) and because `flush set` first makes a reload drop the lifted addresses;
 * `nft -f` applies the whole file as one transaction, so no packet sees the set half-filled. `auto-merge`
 * lets an address inside a blocked prefix coexist with it. Use: `ip daddr @decree_v4 drop` in your own chain.
 */
export const nftablesRenderer: FeedRenderer = {
  format: "nftables",
  contentType: "text/plain; charset=utf-8",
  extension: "nft",
  description: "nftables sets decree_v4/decree_v6 (table inet decree) of blocked addresses, for nft -f",
  async *render(pages, context) {
    yield [
      "#!/usr/sbin/nft -f",
      `# decree feed: blocked addresses of RPZ zone ${context.zone}, serial ${context.serial}`,
      ...checkpointComment(context, "#"),
      "table inet decree {",
      "  set decree_v4 { type ipv4_addr; flags interval; auto-merge; }",
      "  set decree_v6 { type ipv6_addr; flags interval; auto-merge; }",
      "}",
      "flush set inet decree decree_v4",
      "flush set inet decree decree_v6",
      "",
    ].join("\n");
    // Elements wait for a full line across pages, so that the bytes do not depend on the page size.
    const waiting = { decree_v4: [] as string[], decree_v6: [] as string[] };
    for await (const page of pages) {
      let chunk = "";
      for (const entry of page) {
        if (entry.kind !== "ip" && entry.kind !== "cidr") continue;
        const set = entry.value.includes(":") ? "decree_v6" : "decree_v4";
        waiting[set].push(entry.value);
        if (waiting[set].length === elementsPerLine) chunk += addLine(set, waiting[set].splice(0));
      }
      if (chunk) yield chunk;
    }
    for (const set of ["decree_v4", "decree_v6"] as const) {
      if (waiting[set].length > 0) yield addLine(set, waiting[set]);
    }
  },
};

function addLine(set: string, elements: string[]): string {
  return `add element inet decree ${set} { ${elements.join(", ")} }\n`;
}
