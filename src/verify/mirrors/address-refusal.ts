import ipaddr from "ipaddr.js";
import { findSpecialRange } from "../../names/find-special-range.ts";
import { isPublicAddress } from "../../publish/webhooks/webhook-destination.ts";

/**
 * Why decree must not connect to an address to collect evidence, or null when it may. The same rule as the
 * webhooks' (isPublicAddress): a name anyone can point anywhere must not make decree request its own network
 * (server-side request forgery); the IANA registry row is named so that the evidence says which range it was.
 */
export function addressRefusal(address: string, allowPrivate: boolean): string | null {
  if (allowPrivate || isPublicAddress(address)) return null;
  let range: string;
  try {
    const parsed = ipaddr.process(address);
    const match = findSpecialRange(parsed, parsed.kind() === "ipv4" ? 32 : 128);
    range = match ? `${match.range.name}, ${match.range.prefix} (${match.range.source})` : parsed.range();
  } catch {
    range = "not an IP address";
  }
  return `${address} is not a public address (${range}); decree does not connect to it unless mirrorAllowPrivate is set`;
}
