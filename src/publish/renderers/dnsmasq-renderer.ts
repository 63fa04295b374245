import type { FeedEntry } from "../feeds/feed-entries.ts";
import type { FeedRenderer } from "./feed-renderer.ts";
import { checkpointComment } from "./feed-renderer.ts";

/** host-record's TTL, as the zone's (without it dnsmasq answers with TTL 0). */
const ttl = 60;

/**
 * dnsmasq configuration (dnsmasq(8), 2.86 and later), one option per line, for `conf-file=`.
 *
 * - domain: `address=/x/` answers NXDOMAIN for x and every name below it. nodata has no dnsmasq equivalent;
 *   `address=/x/#` (the null addresses 0.0.0.0 and ::) is the conventional block and stands in for it. The
 *   stop page is `address=/x/<addr>` per address plus `local=/x/`, so that other types get NODATA instead of
 *   being forwarded upstream (the 2.86 change the man page describes).
 * - fqdn: `address=` always covers subdomains (a pattern matches whole labels from the right, and `*` only
 *   widens it), so an exact name is a `host-record`: A/AAAA for that one name, null addresses for nxdomain
 *   and nodata, the stop page's addresses for stop-page. Its limits: dnsmasq cannot answer NXDOMAIN for one
 *   name alone, other record types of the name are still forwarded, and the first name given 0.0.0.0 also
 *   becomes its PTR.
 * - ip, cidr: `bogus-nxdomain=<addr>[/prefix]` turns any upstream answer containing the address into
 *   NXDOMAIN, the response-IP trigger of RPZ; dnsmasq offers no other answer for it, whatever the action.
 */
export const dnsmasqRenderer: FeedRenderer = {
  format: "dnsmasq",
  contentType: "text/plain; charset=utf-8",
  extension: "conf",
  description: "dnsmasq options (address=, host-record=, bogus-nxdomain=) for conf-file=",
  async *render(pages, context) {
    yield `# decree feed: dnsmasq configuration for RPZ zone ${context.zone}, serial ${context.serial}\n`;
    for (const line of checkpointComment(context, "#")) yield `${line}\n`;
    yield [
      "# dnsmasq reads this file at start only: restart it (SIGHUP does not reload conf-file=) after each fetch.",
      "# What this format cannot express: NODATA (domains get the null addresses instead); NXDOMAIN for one",
      "# name without its subdomains (exact names get null addresses, and their other record types are",
      "# still forwarded); any action but NXDOMAIN for addresses (bogus-nxdomain= is all dnsmasq has).",
      "",
    ].join("\n");
    for await (const page of pages) yield page.map(entryLines).join("");
  },
};

function entryLines(entry: FeedEntry): string {
  const stopPage = entry.action === "stop-page" ? (entry.addresses ?? []) : [];
  switch (entry.kind) {
    case "domain":
      if (stopPage.length > 0) {
        return `${stopPage.map((a) => `address=/${entry.value}/${a}\n`).join("")}local=/${entry.value}/\n`;
      }
      return `address=/${entry.value}/${entry.action === "nodata" ? "#" : ""}\n`;
    case "fqdn":
      if (stopPage.length > 0)
        return stopPage.map((a) => `host-record=${entry.value},${a},${ttl}\n`).join("");
      return `host-record=${entry.value},0.0.0.0,::,${ttl}\n`;
    default:
      return `bogus-nxdomain=${entry.value}\n`;
  }
}
