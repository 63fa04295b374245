import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { type FetchedPage, type FetchHop, fetchPage, type TlsEvidence } from "./fetch-page.ts";
import { fingerprintPage, type PageFingerprint } from "./fingerprint-page.ts";
import { resolveSiteDns, type SiteDns } from "./resolve-site-dns.ts";
import type { SiteSettings } from "./site-settings.ts";

/** Everything decree saw of one name at one time: what a reviewer (and a judge) reads. */
export interface SiteEvidence {
  name: string;
  capturedAt: string;
  dns: SiteDns;
  fetch: {
    hops: FetchHop[];
    finalUrl: string | null;
    status: number | null;
    contentType: string | null;
    bytes: number;
    truncated: boolean;
    /** SHA-256 of the body as received, so that a kept copy can be matched to this record. */
    sha256: string | null;
    error: string | null;
    refused: string | null;
  };
  tls: TlsEvidence | null;
  page: PageFingerprint | null;
  favicon: { url: string; sha256: string; bytes: number } | null;
}

const faviconMaxBytes = 256 * 1024;

/**
 * Collects a site's evidence: its DNS (through the configured resolver), its home page over HTTPS or else
 * HTTP with every redirect (an HTTP one or a page's meta refresh) recorded, the page's fingerprint and its
 * favicon's hash. Never throws for what the site does: a failure is part of the evidence.
 */
export async function collectSiteEvidence(
  name: string,
  settings: SiteSettings,
  known?: SiteDns,
  now: () => Date = () => new Date(),
): Promise<SiteEvidence> {
  const capturedAt = now().toISOString();
  const dnsCache = new Map<string, SiteDns>();
  const dns = known ?? (await resolveSiteDns([name], settings)).get(name)!;
  dnsCache.set(name, dns);
  const addressesOf = async (host: string) => {
    // A redirect may name an address outright; it is screened like any other before a connection.
    if (isIP(host) !== 0) return [host];
    let found = dnsCache.get(host);
    if (!found) {
      found = (await resolveSiteDns([host], settings)).get(host)!;
      dnsCache.set(host, found);
    }
    return [...found.a, ...found.aaaa];
  };
  let fetched = await fetchPage(new URL(`https://${name}/`), settings, addressesOf);
  if (fetched.error !== null && fetched.refused === null) {
    const secure = fetched;
    fetched = await fetchPage(new URL(`http://${name}/`), settings, addressesOf);
    fetched.hops.unshift(...secure.hops);
  }
  let page = htmlOf(fetched);
  const hops = [...fetched.hops];
  // A meta refresh is a redirect made in the page; followed once, within the same redirect budget.
  if (page?.refreshUrl && hops.length <= settings.maxRedirects && fetched.finalUrl !== page.refreshUrl) {
    const refreshed = await fetchPage(new URL(page.refreshUrl), settings, addressesOf);
    hops.push(...refreshed.hops.map((hop, i) => (i === 0 ? { ...hop, via: "meta-refresh" as const } : hop)));
    if (refreshed.error === null) {
      fetched = { ...refreshed, tls: refreshed.tls ?? fetched.tls };
      page = htmlOf(fetched);
    }
  }
  const favicon = page ? await faviconOf(page.faviconUrl, settings, addressesOf) : null;
  return {
    name,
    capturedAt,
    dns,
    fetch: {
      hops,
      finalUrl: fetched.finalUrl,
      status: fetched.status,
      contentType: fetched.contentType,
      bytes: fetched.bytes,
      truncated: fetched.truncated,
      sha256: fetched.error === null ? createHash("sha256").update(fetched.body).digest("hex") : null,
      error: fetched.error,
      refused: fetched.refused,
    },
    tls: fetched.tls,
    page,
    favicon,
  };
}

function htmlOf(fetched: FetchedPage): PageFingerprint | null {
  if (fetched.error !== null || fetched.finalUrl === null) return null;
  const type = fetched.contentType ?? "text/html";
  if (!/html|xml|text\/plain/i.test(type)) return null;
  return fingerprintPage(fetched.body.toString("utf8"), new URL(fetched.finalUrl));
}

async function faviconOf(
  href: string,
  settings: SiteSettings,
  addressesOf: (host: string) => Promise<string[]>,
): Promise<SiteEvidence["favicon"]> {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const icon = await fetchPage(url, settings, addressesOf, { maxBytes: faviconMaxBytes });
  if (icon.error !== null || icon.status !== 200 || icon.bytes === 0) return null;
  if (/html/i.test(icon.contentType ?? "")) return null;
  return {
    url: icon.finalUrl ?? href,
    sha256: createHash("sha256").update(icon.body).digest("hex"),
    bytes: icon.bytes,
  };
}
