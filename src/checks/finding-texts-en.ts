import type { FindingCode } from "../vocabulary/vocabulary.ts";

/**
 * The message of every finding code in English, as ICU MessageFormat filled from the finding's `params`; the
 * other languages (finding-texts-fr.ts) fill the same names. A finding's stored message is this text.
 */
export const findingTextsEn: Record<FindingCode, string> = {
  ORDER_EXPIRED: "Order {orderId} ended on {until}.",
  ORDER_MEASURE_NOT_GRANTED: "Order {orderId} orders {measures}; a {kind} target needs {needed}.",
  ORDER_NOT_CONFIRMED:
    "Order {orderId} was submitted by an applicant and awaits an authority's confirmation.",
  ORDER_NOT_IN_FORCE: "Order {orderId} comes into force on {from}.",
  DNS_SNAPSHOT:
    "{variant, select, nxdomain {{name} did not exist in the DNS at submission.} address {{address} is what {names} of this order resolve to.} other {{name} resolved{chained, select, yes { via {chain}} other {}} to {addressed, select, yes {{addresses}} other {no address}}.}}",
  DNS_SNAPSHOT_FAILED: "{name} could not be resolved through {server} ({error}); no snapshot.",
  DNS_SNAPSHOT_SKIPPED:
    "No DNS snapshot: no resolver is configured for the checks (config checkResolver, env DECREE_CHECK_RESOLVER). What the name resolved to at submission is not on the record.",
  MIRROR_EVIDENCE: "{name} compared with {original}: {explanation}.",
  MIRROR_WEAK_EVIDENCE: "{name} compared with {original}: {explanation}.",
  TARGET_ACTIVE_UNDER_OTHER_ORDER:
    "{value} is already {state} under order {orderId} (until {until}); this order would keep it blocked for its own term.",
  TARGET_ADDRESS_SHARED:
    "{name} resolves to {addresses}, inside ranges {providers} publishes as shared: many unrelated names answer with the same addresses.",
  TARGET_ADDRESS_SHARED_BY_NAMES:
    "{addresses} {count, plural, one {is} other {are}} where {sites, plural, one {# other site of another order} other {# other sites of other orders}} resolved ({sample}{more, select, yes {, …} other {}}). {subject} lives on a shared host: block by name, never by address, and check it is not the host's own.",
  TARGET_ASN:
    "{variant, select, unannounced {{address} is announced by no autonomous system the IP-to-ASN dataset ({date}) knows.} unclassified {{address} is announced by AS{asn} ({organisation}), a network decree's data does not classify.} other {{address} is announced by AS{asn} ({organisation}), an access network (subscribers' addresses).}}",
  TARGET_ASN_HOSTING:
    "{address} is announced by AS{asn} ({organisation}), a hosting company, whose shared hosting puts many sites on one address. Check that the address is the site's own server, not shared hosting, before a second approval.",
  TARGET_ASN_SHARED:
    "{address} is announced by AS{asn} ({organisation}), {class, select, cdn {a CDN, whose addresses each serve many customers' sites} cloud {a public cloud, whose addresses front many customers and move between them} other {a public DNS resolver operator}}. Blocking it cuts off every site and user behind it: name the site's host names instead.",
  TARGET_CNAME_INTO_CDN:
    "{name} is an alias of {alias}, a name of {provider} ({kind}): its addresses serve many unrelated sites. Block the name if the order names it; never its addresses.",
  TARGET_CO_HOSTED:
    "{address} serves {atLeast, select, yes {at least } other {}}{sites} {sites, plural, one {site} other {sites}} (registrable domains, the order's own counting as one), more than {limit}: {sample}{more, select, yes {, …} other {}}. Blocking it cuts them all off; name the site's host names, or record a statement of exclusive use with its evidence.",
  TARGET_CO_HOSTING_CLEAN:
    "{address} serves {atLeast, select, yes {at least } other {}}{sites} {sites, plural, one {site} other {sites}} by passive DNS and the registry's snapshots{sampled, select, yes {: {sample}} other {}}.",
  TARGET_CO_HOSTING_UNKNOWN:
    "Too little is known of the sites {address} serves: no passive-DNS observations are loaded (decree data load-passive-dns){sampled, select, yes {, only the registry's snapshots ({sample})} other { and no DNS snapshot found it}}. Approving it needs a statement of exclusive use.",
  TARGET_EXEMPTED: "{value} meets {listed}, listed as an exemption: {reason}.",
  TARGET_HOSTING_PLATFORM:
    "*.{name} reaches every site hosted on {platform}, a platform whose subdomains belong to unrelated users: name the infringing site (site.{platform}) instead.",
  TARGET_IP_WITHOUT_NAME:
    "No name of this order resolves to {address} (through {server}, at submission): nothing ties the address to the site the order is about, and an address may serve many others. Name the site's host names instead, or say why the address itself must go.",
  TARGET_MIRROR_NOT_ALLOWED:
    "Order {orderId} does not extend to mirrors: a mirror needs a new decision, or an order that extends to mirrors (e.g. art. L.331-27 CPI in France).",
  TARGET_ON_SHARED_PLATFORM:
    "{name} is one user's site on {platform}, a shared platform: the block reaches that site only.",
  TARGET_PROTECTED_NAME:
    "{name} {relation, select, at {is} below {is below} other {reaches, below it,}} {protectedName}, a protected name ({category}): blocking it would cut off the public at large. Only an admin override with a written reason lets it through.",
  TARGET_PUBLIC_RESOLVER:
    "{subject} {relation, select, inside {is} contains {contains} other {reaches}} {listed}, {kind, select, address {an address} other {a name}} of the public resolver {operator}: blocking it cuts name resolution for everyone who uses that resolver. Only an admin override with a written reason lets it through.",
  TARGET_PUBLIC_SUFFIX:
    "{name} is a public suffix ({section} section of the Public Suffix List): names below it belong to unrelated owners.",
  TARGET_SHARED_INFRASTRUCTURE:
    "{address} {relation, select, inside {is inside} other {contains}} {range}, published by {provider} as shared infrastructure: blocking it blocks every site served from it. Name the site's host names instead.",
  TARGET_VALIDITY_BEYOND_ORDER:
    "The target's validity (until {targetUntil}) outlasts order {orderId}'s ({orderUntil}).",
  TARGET_WILDCARD_BREADTH:
    "A domain target blocks {name} and every name below it (*.{name}), including names created later.",
};
