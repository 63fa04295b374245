import type { FeedEntry } from "../feeds/feed-entries.ts";
import type { FeedRenderer } from "./feed-renderer.ts";
import { checkpointComment } from "./feed-renderer.ts";

const ttl = 60;

/**
 * Unbound local zones (unbound.conf(5), "local-zone", "local-data", "response-ip"), for resolvers that do not
 * transfer the RPZ zone. The file opens a `server:` clause, so it can be `include:`d as it is.
 *
 * - domain: `local-zone: "x." always_nxdomain` (or always_nodata; or `redirect` with the stop page as local
 *   data, which answers every name below with the apex's data).
 * - fqdn: only `local-data` for the name, and no local-zone line. A local zone covers everything below its
 *   name, so no zone type blocks one name alone; but local data without a zone makes Unbound create a
 *   `transparent` zone, which answers the name from that data, NODATA for the name's other types, and
 *   resolves every other name (the subdomains) normally. For nxdomain and nodata the data is one TXT record,
 *   so the name has no address: Unbound cannot answer NXDOMAIN for a name without its subdomains, and this is
 *   the closest it comes. If the name lies under a blocked domain, the data joins that domain's zone, whose
 *   always_* type ignores local data: the domain's block still applies, subdomains included.
 * - ip, cidr: `response-ip` (needs `module-config: "respip validator iterator"`): `always_nxdomain`, also for
 *   nodata, since response-ip has no nodata action; the stop page is `redirect` with `response-ip-data` of
 *   the address's own family.
 */
export const unboundRenderer: FeedRenderer = {
  format: "unbound",
  contentType: "text/plain; charset=utf-8",
  extension: "conf",
  description: "Unbound local-zone/local-data/response-ip configuration to include in unbound.conf",
  async *render(pages, context) {
    yield [
      `# decree feed: Unbound configuration for RPZ zone ${context.zone}, serial ${context.serial}`,
      ...checkpointComment(context, "#"),
      '# include: this file in unbound.conf; addresses need module-config: "respip validator iterator"',
      "# What this format cannot express: NXDOMAIN for one name without its subdomains (exact names get a TXT",
      "# record and no address instead), and NODATA for addresses (response-ip has no such action: NXDOMAIN).",
      "# Unbound reads it at start or `unbound-control reload`; the RPZ transfer (operators config) needs neither.",
      "server:",
      "",
    ].join("\n");
    for await (const page of pages) yield page.map(entryLines).join("");
  },
};

function entryLines(entry: FeedEntry): string {
  switch (entry.kind) {
    case "domain":
      return domainLines(entry.value, entry);
    case "fqdn":
      return fqdnLines(entry.value, entry);
    default:
      return addressLines(entry);
  }
}

function domainLines(name: string, entry: FeedEntry): string {
  const stopPage = addressData(name, entry);
  if (stopPage.length > 0) return `local-zone: "${name}." redirect\n${stopPage.join("")}`;
  return `local-zone: "${name}." ${entry.action === "nodata" ? "always_nodata" : "always_nxdomain"}\n`;
}

function fqdnLines(name: string, entry: FeedEntry): string {
  const stopPage = addressData(name, entry);
  if (stopPage.length > 0) return stopPage.join("");
  return `local-data: '${name}. ${ttl} IN TXT "blocked by decree (${entry.action})"'\n`;
}

function addressData(name: string, entry: FeedEntry): string[] {
  if (entry.action !== "stop-page") return [];
  return (entry.addresses ?? []).map(
    (address) => `local-data: "${name}. ${ttl} IN ${address.includes(":") ? "AAAA" : "A"} ${address}"\n`,
  );
}

function addressLines(entry: FeedEntry): string {
  const v6 = entry.value.includes(":");
  const prefix = entry.kind === "ip" ? `${entry.value}/${v6 ? 128 : 32}` : entry.value;
  const stopPage = (entry.action === "stop-page" ? (entry.addresses ?? []) : []).find(
    (address) => address.includes(":") === v6,
  );
  if (stopPage) {
    const data = `${v6 ? "AAAA" : "A"} ${stopPage}`;
    return `response-ip: ${prefix} redirect\nresponse-ip-data: ${prefix} "${data}"\n`;
  }
  return `response-ip: ${prefix} always_nxdomain\n`;
}
