import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { DecreeError } from "../../errors/decree-error.ts";

/**
 * Webhooks make decree send requests where a registered organisation says: without a check, a token could point
 * them at the registry's own network (server-side request forgery: cloud metadata, an internal admin page). Only
 * globally routable unicast addresses are called, unless the configuration allows private ones (tests, a
 * receiver on the same private network).
 */
export function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.process(address).range() === "unicast";
  } catch {
    return false;
  }
}

/** At registration: a URL naming a private address or localhost outright is refused at once. */
export function refuseLiteralPrivateDestination(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const literal = ipaddr.isValid(host);
  if ((literal && !isPublicAddress(host)) || host === "localhost" || host.endsWith(".localhost")) {
    throw new DecreeError(
      "WEBHOOK_INVALID",
      `${url.hostname} is a loopback, private or special-purpose address; a webhook must reach a public address.`,
    );
  }
}

/**
 * Before each delivery: every address the name resolves to must be public, so that a public name later pointed
 * at an internal address is not followed. Returns what is wrong, or null.
 */
export async function privateDestination(url: URL): Promise<string | null> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  const internal = addresses.find((address) => !isPublicAddress(address));
  return internal ? `${url.hostname} resolves to ${internal}, which is not a public address` : null;
}
