import { Resolver } from "node:dns/promises";
import { type NameSnapshot, resolveSnapshots } from "../../checks/resolve-snapshot.ts";
import type { SiteSettings } from "./site-settings.ts";

/** What a site's name resolved to: the DNS snapshot of the checks, with its mail exchangers. */
export interface SiteDns extends NameSnapshot {
  mx: string[];
  server: string;
}

/**
 * Resolves names as the DNS snapshot check does (A, AAAA, the CNAME chain, NS, through one configured server)
 * and adds MX, which the snapshot has no use for but a mirror often shares with its original.
 */
export async function resolveSiteDns(
  names: readonly string[],
  settings: Pick<SiteSettings, "resolver" | "timeoutMs">,
  concurrency = 64,
): Promise<Map<string, SiteDns>> {
  const snapshots = await resolveSnapshots(names, {
    resolver: settings.resolver,
    timeoutMs: Math.min(settings.timeoutMs, 2000),
    concurrency,
  });
  const resolver = new Resolver({ timeout: Math.min(settings.timeoutMs, 2000), tries: 2 });
  const { host, port } = settings.resolver;
  const server = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  resolver.setServers([server]);
  const result = new Map<string, SiteDns>();
  await Promise.all(
    [...snapshots.values()].map(async (snapshot) => {
      const mx = snapshot.status === "ok" ? await mailExchangers(resolver, snapshot.name) : [];
      result.set(snapshot.name, { ...snapshot, mx, server });
    }),
  );
  resolver.cancel();
  return result;
}

async function mailExchangers(resolver: Resolver, name: string): Promise<string[]> {
  try {
    return (await resolver.resolveMx(name)).map((mx) => mx.exchange.toLowerCase()).sort();
  } catch {
    return [];
  }
}

/** Whether the name exists and leads somewhere a page could be fetched from. */
export function resolves(dns: SiteDns): boolean {
  return dns.status === "ok" && dns.a.length + dns.aaaa.length > 0;
}
