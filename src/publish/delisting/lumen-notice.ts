import type { Order } from "../../intake/order.ts";
import type { TargetKind } from "../../names/target-kind.ts";
import type { TargetState } from "../../vocabulary/vocabulary.ts";

/** An entry of the order, as the notice lists it. */
export interface NoticeTarget {
  kind: TargetKind;
  value: string;
  state: TargetState;
}

/**
 * The entries an archive should show: those the registry approved and did not withdraw. A lifted entry was
 * found wrong (on appeal, usually); listing it in a public archive as targeted would repeat the harm.
 */
export const archivedStates = ["approved", "active", "suspended", "expired"] as const;

interface LumenWork {
  description: string;
  infringing_urls_attributes: Array<{ url: string }>;
}

interface LumenRole {
  name: "issuing_court" | "principal" | "recipient";
  entity_attributes: { name: string; kind: "organization"; country_code?: string };
}

/**
 * An order as a Lumen notice of type CourtOrder, in the shape Lumen's API accepts for submission (`POST
 * /notices` with `{ "notice": … }`), so that it can be archived publicly. Field names and roles follow the
 * Lumen Database source (github.com/berkmancenter/lumendatabase): app/models/court_order.rb (CourtOrder and
 * its roles issuing_court, principal, recipient), app/models/entity_notice_role.rb (the role names), and the
 * nested `works_attributes` / `infringing_urls_attributes` / `entity_notice_roles_attributes` of its
 * submission specs; app/serializers/court_order_serializer.rb shows a CourtOrder's works as "targetted" URLs.
 *
 * Parties: the applicants (rights holders) are the principals, the addressees (operators, search engines) the
 * recipients, the court the issuing court. Lumen works with URLs, so a name becomes `https://name/` (a domain
 * is described as including its subdomains) and an address `http://address/`; prefixes, which are no URL,
 * are listed in their work's description. No personal data: who recorded the order in decree is left out.
 */
export function lumenNotice(order: Order, targets: NoticeTarget[], orderUrl: string) {
  const kept = targets
    .filter((target) => (archivedStates as readonly string[]).includes(target.state))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const of = (kind: TargetKind) =>
    kept.filter((target) => target.kind === kind).map((target) => target.value);
  const works: LumenWork[] = [
    work("Domain names, with all their subdomains, blocked in DNS and de-listed", of("domain").map(hostUrl)),
    work("Host names blocked in DNS and de-listed", of("fqdn").map(hostUrl)),
    work("Pages de-listed from search results", of("url")),
    work("IP addresses blocked", of("ip").map(addressUrl)),
  ].filter((item) => item.infringing_urls_attributes.length > 0);
  const prefixes = of("cidr");
  if (prefixes.length > 0) {
    works.push({
      description: `IP prefixes blocked: ${prefixes.join(", ")}`,
      infringing_urls_attributes: [],
    });
  }
  const country = order.jurisdiction;
  const roles: LumenRole[] = [
    {
      name: "issuing_court",
      entity_attributes: { name: order.authority, kind: "organization", country_code: country },
    },
    ...order.applicants.map((name) => role("principal", name)),
    ...order.addressees.map((addressee) => role("recipient", addressee.name)),
  ];
  return {
    notice: {
      type: "CourtOrder",
      title: `${order.authority}, ${order.caseNumber}, ${order.decisionDate}: ${order.measures.join(", ")}`,
      subject: order.summary ?? `Blocking order ${order.caseNumber}`,
      date_sent: order.decisionDate,
      source: "decree",
      jurisdiction_list: country,
      tag_list: order.measures.join(", "),
      ...(order.legalBasis ? { regulation_list: order.legalBasis } : {}),
      body: bodyOf(order),
      works_attributes: works,
      entity_notice_roles_attributes: roles,
    },
    decree: {
      order: order.id,
      url: orderUrl,
      validFrom: order.validFrom,
      validUntil: order.validUntil,
      document: order.document,
    },
  };
}

function work(description: string, urls: string[]): LumenWork {
  return { description, infringing_urls_attributes: urls.map((url) => ({ url })) };
}

function role(name: LumenRole["name"], entity: string): LumenRole {
  return { name, entity_attributes: { name: entity, kind: "organization" } };
}

function hostUrl(name: string): string {
  return `https://${name}/`;
}

/** RFC 3986 §3.2.2: an IPv6 literal goes in brackets. */
function addressUrl(address: string): string {
  return address.includes(":") ? `http://[${address}]/` : `http://${address}/`;
}

function bodyOf(order: Order): string {
  return [
    order.summary,
    `Measures: ${order.measures.join(", ")}.`,
    `Addressed to: ${order.addressees.map((a) => `${a.name} (${a.role})`).join(", ")}.`,
    `To apply within ${order.deadline}; in force from ${order.validFrom} until ${order.validUntil}.`,
    order.extendsToMirrors ? "The order extends to mirror sites." : undefined,
  ]
    .filter((line): line is string => typeof line === "string")
    .join("\n");
}
