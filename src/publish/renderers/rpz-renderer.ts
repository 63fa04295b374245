import { canaryTtl } from "../canary-record.ts";
import type { FeedEntry } from "../feeds/feed-entries.ts";
import { ownersForTarget } from "../rpz-records.ts";
import type { FeedRenderer } from "./feed-renderer.ts";
import { checkpointComment } from "./feed-renderer.ts";

/** The TTL of every record, as the DNS primary serves them (rpz-policy.ts). */
const ttl = 60;

/**
 * The zone as a master file (RFC 1035 §5): the same SOA and NS as the DNS primary (dns/zone-soa.ts), then the
 * triggers. For resolvers that load RPZ from a file (Knot Resolver, or BIND `type primary; file ...`).
 */
export const rpzRenderer: FeedRenderer = {
  format: "rpz",
  // RFC 4027 registers text/dns for master files.
  contentType: "text/dns; charset=utf-8",
  extension: "zone",
  description:
    "the RPZ zone as a master file (draft-ietf-dnsop-dns-rpz), for resolvers that load it from disk",
  async *render(pages, context) {
    yield [
      `; decree feed: RPZ zone ${context.zone}, serial ${context.serial}`,
      ...checkpointComment(context, ";"),
      `$ORIGIN ${context.zone}.`,
      `$TTL ${ttl}`,
      `@ IN SOA localhost. hostmaster.${context.zone}. ( ${context.serial} 300 60 2592000 60 )`,
      "@ IN NS localhost.",
      // The canary: RPZ local data a resolver answers for the check name, naming the release it loaded.
      ...(context.canaries ?? []).map((canary) => `${canary.owner} ${canaryTtl} TXT "${canary.rdata}"`),
      "",
    ].join("\n");
    for await (const page of pages) {
      const codes = (await context.edeOf?.(page.map((entry) => entry.value))) ?? new Map<string, number>();
      yield page.map((entry) => entryRecords(entry, codes.get(entry.value))).join("");
    }
  },
};

/** Owners relative to $ORIGIN; a domain is its name and its wildcard (§5.1), addresses are rpz-ip owners. */
function entryRecords(entry: FeedEntry, ede: number | undefined): string {
  const data = actionData(entry);
  // A comment, which every zone parser skips: the printed Knot Resolver configuration reads it to give the
  // order's Extended DNS Error (RFC 8914) instead of 16.
  const note = ede === undefined ? "" : ` ; ede ${ede}`;
  let text = "";
  for (const owner of ownersForTarget(entry.kind, entry.value)) {
    for (const rdata of data) text += `${owner} ${rdata}${note}\n`;
  }
  return text;
}

/** CNAME `.` is NXDOMAIN, CNAME `*.` NODATA, A/AAAA local data the stop page (§4). */
function actionData(entry: FeedEntry): string[] {
  if (entry.action === "nodata") return ["CNAME *."];
  if (entry.action === "stop-page" && entry.addresses?.length) {
    return entry.addresses.map((address) => `${address.includes(":") ? "AAAA" : "A"} ${address}`);
  }
  return ["CNAME ."];
}
