import type { FeedRenderer } from "./feed-renderer.ts";
import { checkpointComment } from "./feed-renderer.ts";

/**
 * Adblock-style rules as AdGuard's DNS filtering syntax reads them (adguard-dns.io/kb/general/dns-filtering-
 * syntax): `||x^` blocks x and all its subdomains; `|x^` anchors the rule at the start of the name too, so it
 * blocks x only (AdGuard Home writes exact hosts-file rules this way: AdguardTeam/AdGuardHome#3998).
 *
 * Limits: the answer (NXDOMAIN, null address…) is the blocker's own blocking mode, not the entry's action,
 * since `$dnsrewrite` rules would be dropped whole by browser blockers. In a browser blocker (uBlock Origin,
 * Adblock Plus) `|x^` is anchored at the start of the URL and so matches nothing: there exact names stay
 * unblocked rather than taking their subdomains with them. Addresses are left out.
 */
export const adblockRenderer: FeedRenderer = {
  format: "adblock",
  contentType: "text/plain; charset=utf-8",
  extension: "txt",
  description: "AdGuard DNS filtering rules: ||domain^ (with subdomains), |name^ (exact name)",
  async *render(pages, context) {
    yield [
      `! Title: decree, RPZ zone ${context.zone}`,
      `! Version: ${context.serial}`,
      ...checkpointComment(context, "!"),
      "! ||name^ blocks the name and its subdomains; |name^ blocks the name only (AdGuard DNS syntax).",
      "",
    ].join("\n");
    for await (const page of pages) {
      let chunk = "";
      for (const entry of page) {
        if (entry.kind === "domain") chunk += `||${entry.value}^\n`;
        else if (entry.kind === "fqdn") chunk += `|${entry.value}^\n`;
      }
      if (chunk) yield chunk;
    }
  },
};
