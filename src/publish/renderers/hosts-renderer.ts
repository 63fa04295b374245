import type { FeedEntry } from "../feeds/feed-entries.ts";
import type { FeedRenderer } from "./feed-renderer.ts";
import { checkpointComment } from "./feed-renderer.ts";

/**
 * A hosts file (hosts(5)): `0.0.0.0 name` and `:: name`, or the stop page's addresses. Without the `::` line a
 * resolver reading the file answers AAAA from upstream, and a dual-stack client reaches the site over IPv6. A hosts line names one host exactly,
 * so a domain appears by its own name only: its subdomains are NOT blocked by this feed (use a resolver feed
 * for them). Addresses cannot be expressed at all; the last line says how many were left out.
 */
export const hostsRenderer: FeedRenderer = {
  format: "hosts",
  contentType: "text/plain; charset=utf-8",
  extension: "txt",
  description:
    "hosts-file lines (0.0.0.0 name); exact names only: subdomains and addresses cannot be expressed",
  async *render(pages, context) {
    yield [
      `# decree feed: hosts file for RPZ zone ${context.zone}, serial ${context.serial}`,
      ...checkpointComment(context, "#"),
      "# What this format cannot express: subdomains (a hosts file matches exact names, so names below a",
      "# blocked domain are not covered), NXDOMAIN or NODATA (every blocked name gets the null addresses",
      "# 0.0.0.0 and ::), and address entries (counted at the end; see /feeds/cidr).",
      "",
    ].join("\n");
    let addresses = 0;
    for await (const page of pages) {
      let chunk = "";
      for (const entry of page) {
        if (entry.kind === "ip" || entry.kind === "cidr") addresses += 1;
        else chunk += hostLines(entry);
      }
      if (chunk) yield chunk;
    }
    if (addresses > 0)
      yield `# ${addresses} address entries cannot be expressed in a hosts file: see /feeds/cidr\n`;
  },
};

function hostLines(entry: FeedEntry): string {
  const stopPage = entry.action === "stop-page" ? (entry.addresses ?? []) : [];
  if (stopPage.length === 0) return `0.0.0.0 ${entry.value}\n:: ${entry.value}\n`;
  return stopPage.map((address) => `${address} ${entry.value}\n`).join("");
}
